//! Property types: what a value of each kind may look like, and its one normal form.
//!
//! Every value that enters the store goes through [`PropertyType::clean`]. Cleaning either
//! returns the normal form (what is compared, indexed and exported as the value) or a
//! [`ValueError`] that says what is wrong in words a data clerk understands. The importers keep
//! the raw text beside the normal form when the two differ, so nothing the source said is lost.
//!
//! The type names are FollowTheMoney's (`name`, `date`, `country`, `phone`, `identifier`, …) so
//! that FtM data needs no translation; Corridor adds `iban`, `money`, `currency`, `geopoint` and
//! `enum`, which the domain schemata use for stricter validation.

mod country;
mod date;
mod misc;

pub use country::{
    Country, CountryKind, M49Area, country_by_code, m49_area, m49_regions, m49_subregions,
    mrz_country, same_country,
};
pub use date::{
    DatePrecision, PartialDate, format_unix_utc, parse_date_with_format, parse_unix_utc,
};

use std::fmt;

/// Longest value accepted for short types (names, identifiers, codes), in bytes.
pub const MAX_SHORT_VALUE: usize = 4 * 1024;
/// Longest value accepted for long types (text, html, json), in bytes.
pub const MAX_LONG_VALUE: usize = 1024 * 1024;

/// The kind of a property's values. Kept sorted by name (a test checks it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PropertyType {
    Address,
    Checksum,
    Country,
    Currency,
    Date,
    Email,
    Entity,
    Enum,
    Gender,
    GeoPoint,
    Html,
    Iban,
    Identifier,
    Ip,
    Json,
    Language,
    Mimetype,
    Money,
    Name,
    Number,
    Phone,
    String,
    Text,
    Topic,
    Url,
}

/// Why a value was refused: the type, the offending value (shortened) and the rule broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    pub type_name: &'static str,
    pub value: String,
    pub message: String,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} {:?}: {}",
            self.type_name, self.value, self.message
        )
    }
}

impl std::error::Error for ValueError {}

/// Context a value may need to be understood: a default country for phone numbers written
/// without their international prefix, and a source date format such as `%d.%m.%Y`.
#[derive(Clone, Copy, Debug, Default)]
pub struct CleanHints<'a> {
    pub country: Option<&'a str>,
    pub date_format: Option<&'a str>,
}

const ALL: &[(PropertyType, &str)] = &[
    (PropertyType::Address, "address"),
    (PropertyType::Checksum, "checksum"),
    (PropertyType::Country, "country"),
    (PropertyType::Currency, "currency"),
    (PropertyType::Date, "date"),
    (PropertyType::Email, "email"),
    (PropertyType::Entity, "entity"),
    (PropertyType::Enum, "enum"),
    (PropertyType::Gender, "gender"),
    (PropertyType::GeoPoint, "geopoint"),
    (PropertyType::Html, "html"),
    (PropertyType::Iban, "iban"),
    (PropertyType::Identifier, "identifier"),
    (PropertyType::Ip, "ip"),
    (PropertyType::Json, "json"),
    (PropertyType::Language, "language"),
    (PropertyType::Mimetype, "mimetype"),
    (PropertyType::Money, "money"),
    (PropertyType::Name, "name"),
    (PropertyType::Number, "number"),
    (PropertyType::Phone, "phone"),
    (PropertyType::String, "string"),
    (PropertyType::Text, "text"),
    (PropertyType::Topic, "topic"),
    (PropertyType::Url, "url"),
];

impl PropertyType {
    pub fn from_name(name: &str) -> Option<PropertyType> {
        ALL.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }

    pub fn name(self) -> &'static str {
        ALL.iter()
            .find(|(t, _)| *t == self)
            .map(|(_, n)| *n)
            .unwrap_or("?")
    }

    pub fn all() -> impl Iterator<Item = PropertyType> {
        ALL.iter().map(|(t, _)| *t)
    }

    /// Long types may hold up to [`MAX_LONG_VALUE`] bytes; the rest [`MAX_SHORT_VALUE`].
    pub fn max_len(self) -> usize {
        match self {
            PropertyType::Text | PropertyType::Html | PropertyType::Json => MAX_LONG_VALUE,
            _ => MAX_SHORT_VALUE,
        }
    }

    /// Validates `raw` and returns its normal form. Enumerations are checked by the property,
    /// which knows the allowed values; here an `enum` value is only trimmed.
    pub fn clean(self, raw: &str, hints: CleanHints<'_>) -> Result<String, ValueError> {
        let err = |message: String| ValueError {
            type_name: self.name(),
            value: shorten(raw),
            message,
        };
        if raw.len() > self.max_len() {
            return Err(err(format!(
                "value is {} bytes long; the limit for {} values is {} bytes",
                raw.len(),
                self.name(),
                self.max_len()
            )));
        }
        let multiline = matches!(
            self,
            PropertyType::Text | PropertyType::Html | PropertyType::Json | PropertyType::Address
        );
        if let Some(c) = raw
            .chars()
            .find(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
        {
            return Err(err(format!(
                "contains the control character U+{:04X}",
                c as u32
            )));
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(err("value is empty".into()));
        }
        let result = match self {
            PropertyType::Name | PropertyType::String | PropertyType::Address => {
                Ok(collapse_whitespace(trimmed))
            }
            PropertyType::Text | PropertyType::Html => Ok(trimmed.to_string()),
            PropertyType::Identifier => Ok(trimmed.to_string()),
            PropertyType::Enum => Ok(trimmed.to_string()),
            PropertyType::Date => date::clean_date(trimmed, hints.date_format),
            PropertyType::Country => country::clean_country(trimmed),
            PropertyType::Phone => misc::clean_phone(trimmed, hints.country),
            PropertyType::Email => misc::clean_email(trimmed),
            PropertyType::Iban => misc::clean_iban(trimmed),
            PropertyType::Money => misc::clean_money(trimmed),
            PropertyType::Currency => misc::clean_currency(trimmed),
            PropertyType::Number => misc::clean_number(trimmed),
            PropertyType::GeoPoint => misc::clean_geopoint(trimmed),
            PropertyType::Url => misc::clean_url(trimmed),
            PropertyType::Language => misc::clean_language(trimmed),
            PropertyType::Gender => misc::clean_gender(trimmed),
            PropertyType::Topic => misc::clean_topic(trimmed),
            PropertyType::Json => misc::clean_json(trimmed),
            PropertyType::Checksum => misc::clean_checksum(trimmed),
            PropertyType::Mimetype => misc::clean_mimetype(trimmed),
            PropertyType::Ip => misc::clean_ip(trimmed),
            PropertyType::Entity => misc::clean_entity_id(trimmed),
        };
        result.map_err(err)
    }
}

impl fmt::Display for PropertyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Values in error messages are cut so that a 100 MB field does not become a 100 MB message.
pub(crate) fn shorten(raw: &str) -> String {
    const KEEP: usize = 60;
    if raw.chars().count() <= KEEP {
        raw.to_string()
    } else {
        let head: String = raw.chars().take(KEEP).collect();
        format!("{head}… ({} bytes)", raw.len())
    }
}

#[cfg(test)]
mod tests;
