//! Cleaning rules for the smaller types. Each returns the normal form or a message that says
//! what is wrong with the value and, where it helps, what would be right.

use std::sync::LazyLock;

use iban::IbanLike;

pub(crate) fn clean_phone(s: &str, country_hint: Option<&str>) -> Result<String, String> {
    let region = country_hint
        .and_then(|c| super::country::clean_country(c).ok())
        .and_then(|c| {
            c.to_ascii_uppercase()
                .parse::<phonenumber::country::Id>()
                .ok()
        });
    let normalised = s.strip_prefix("00").map(|rest| format!("+{rest}"));
    let input = normalised.as_deref().unwrap_or(s);
    let number = phonenumber::parse(region, input).map_err(|e| {
        if region.is_none() && !input.starts_with('+') {
            format!("{s:?} has no international prefix (+ or 00) and no default country was given")
        } else {
            format!("{s:?} is not a phone number ({e})")
        }
    })?;
    if !phonenumber::is_valid(&number) {
        return Err(format!(
            "{s:?} is not a valid number in its country's numbering plan"
        ));
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

pub(crate) fn clean_email(s: &str) -> Result<String, String> {
    let (local, domain) = s
        .rsplit_once('@')
        .ok_or_else(|| format!("{s:?} has no @"))?;
    let bad = |why: &str| Err(format!("{s:?} is not an e-mail address: {why}"));
    if local.is_empty() || local.len() > 64 {
        return bad("the part before @ must have 1 to 64 characters");
    }
    if s.len() > 254 {
        return bad("it is longer than 254 characters");
    }
    if s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>') || local.contains('@') {
        return bad("it contains spaces, angle brackets or more than one @");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return bad("the domain must be like example.org");
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

pub(crate) fn clean_iban(s: &str) -> Result<String, String> {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    compact
        .parse::<iban::Iban>()
        .map(|i| i.electronic_str().to_string())
        .map_err(|e| match e {
            iban::ParseIbanError::InvalidBaseIban {
                source: iban::ParseBaseIbanError::InvalidChecksum,
            } => format!(
                "{s:?} fails the IBAN check digits (ISO 13616 mod 97): a character is probably mistyped"
            ),
            iban::ParseIbanError::InvalidBban(_) => {
                format!("{s:?} has the wrong length or layout for its country's IBAN")
            }
            iban::ParseIbanError::UnknownCountry(_) => {
                format!("{s:?} starts with a country that has no IBAN registry entry")
            }
            _ => format!(
                "{s:?} is not an IBAN (expected two letters, two check digits, then the account)"
            ),
        })
}

static CURRENCIES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    super::country::data_lines(include_str!("../../data/currencies.tsv"))
        .filter_map(|l| l.split('\t').next())
        .collect()
});

pub(crate) fn clean_currency(s: &str) -> Result<String, String> {
    let code = s.to_ascii_uppercase();
    if CURRENCIES.binary_search(&code.as_str()).is_ok() {
        Ok(code)
    } else {
        Err(format!(
            "{s:?} is not an ISO 4217 currency code (like EUR, USD, LYD)"
        ))
    }
}

/// Money is an amount and an ISO 4217 currency, written either way round: `1500 EUR`,
/// `EUR 1,500.00`. The normal form is `AMOUNT CUR` with the amount as a plain decimal.
pub(crate) fn clean_money(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let (amount, currency) = match parts.as_slice() {
        [a, c] if c.chars().all(|ch| ch.is_ascii_alphabetic()) => (*a, *c),
        [c, a] if c.chars().all(|ch| ch.is_ascii_alphabetic()) => (*a, *c),
        _ => {
            return Err(format!(
                "{s:?} is not an amount with its currency (expected e.g. \"1500 EUR\")"
            ));
        }
    };
    let amount = clean_number(amount)?;
    let currency = clean_currency(currency)?;
    Ok(format!("{amount} {currency}"))
}

/// A decimal number, optionally signed, with an optional exponent. Thousands may be grouped
/// with commas (`1,500.25`) but only in groups of three, so that a decimal comma is not misread.
pub(crate) fn clean_number(s: &str) -> Result<String, String> {
    let ungrouped = if is_grouped(s) {
        s.replace(',', "")
    } else {
        s.to_string()
    };
    let ok = ungrouped.parse::<f64>().is_ok_and(f64::is_finite)
        && ungrouped
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if ok {
        Ok(ungrouped)
    } else {
        Err(format!("{s:?} is not a number"))
    }
}

fn is_grouped(s: &str) -> bool {
    let unsigned = s.trim_start_matches(['-', '+']);
    let int_part = unsigned.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int_part.split(',').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
}

/// A point as `latitude,longitude` in decimal degrees (a space or semicolon may separate them).
pub(crate) fn clean_geopoint(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.split([',', ';', ' ']).filter(|p| !p.is_empty()).collect();
    let [lat, lon] = parts.as_slice() else {
        return Err(format!(
            "{s:?} is not a point: expected \"latitude,longitude\" in decimal degrees"
        ));
    };
    let parse = |v: &str| v.parse::<f64>().ok().filter(|x| x.is_finite());
    let (Some(lat_v), Some(lon_v)) = (parse(lat), parse(lon)) else {
        return Err(format!(
            "{s:?} is not a point: latitude and longitude must be decimal numbers"
        ));
    };
    if !(-90.0..=90.0).contains(&lat_v) {
        return Err(format!("latitude {lat_v} is outside -90..90"));
    }
    if !(-180.0..=180.0).contains(&lon_v) {
        return Err(format!("longitude {lon_v} is outside -180..180"));
    }
    Ok(format!("{lat},{lon}"))
}

pub(crate) fn clean_url(s: &str) -> Result<String, String> {
    let (scheme, rest) = s
        .split_once("://")
        .ok_or_else(|| format!("{s:?} is not a URL (no scheme://)"))?;
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if !scheme_ok || host.is_empty() || s.chars().any(char::is_whitespace) {
        return Err(format!(
            "{s:?} is not a URL (expected scheme://host/path without spaces)"
        ));
    }
    Ok(s.to_string())
}

static LANGUAGES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    super::country::data_lines(include_str!("../../data/languages.txt")).collect()
});

pub(crate) fn clean_language(s: &str) -> Result<String, String> {
    let code = s.to_ascii_lowercase();
    if LANGUAGES.binary_search(&code.as_str()).is_ok() {
        Ok(code)
    } else {
        Err(format!(
            "{s:?} is not an ISO 639-3 language code (like ara, fas, eng)"
        ))
    }
}

pub(crate) fn clean_gender(s: &str) -> Result<String, String> {
    match s.to_lowercase().as_str() {
        "m" | "male" | "man" => Ok("male".into()),
        "f" | "female" | "woman" => Ok("female".into()),
        "x" | "other" => Ok("other".into()),
        _ => Err(format!("{s:?} is not a gender value (male, female, other)")),
    }
}

pub(crate) fn clean_topic(s: &str) -> Result<String, String> {
    let ok = s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!("{s:?} is not a topic code (like crime.traffick)"))
    }
}

pub(crate) fn clean_json(s: &str) -> Result<String, String> {
    serde_json::from_str::<serde_json::Value>(s)
        .map(|_| s.to_string())
        .map_err(|e| format!("not valid JSON: {e}"))
}

pub(crate) fn clean_checksum(s: &str) -> Result<String, String> {
    let lower = s.to_ascii_lowercase();
    if lower.len() >= 32
        && lower.len().is_multiple_of(2)
        && lower.bytes().all(|b| b.is_ascii_hexdigit())
    {
        Ok(lower)
    } else {
        Err(format!(
            "{s:?} is not a hexadecimal checksum (SHA-1 or longer)"
        ))
    }
}

pub(crate) fn clean_mimetype(s: &str) -> Result<String, String> {
    let lower = s.to_ascii_lowercase();
    let essence = lower.split(';').next().unwrap_or("").trim();
    match essence.split_once('/') {
        Some((a, b)) if !a.is_empty() && !b.is_empty() && !b.contains('/') => Ok(lower),
        _ => Err(format!("{s:?} is not a media type (like text/csv)")),
    }
}

pub(crate) fn clean_ip(s: &str) -> Result<String, String> {
    s.parse::<std::net::IpAddr>()
        .map(|ip| ip.to_string())
        .map_err(|_| format!("{s:?} is not an IPv4 or IPv6 address"))
}

/// Entity ids follow FollowTheMoney: letters and digits, with dots, dashes and underscores
/// inside, at most 1000 characters.
pub(crate) fn clean_entity_id(s: &str) -> Result<String, String> {
    crate::id::check_entity_id(s).map(|()| s.to_string())
}
