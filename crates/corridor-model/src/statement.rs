//! Statements: every fact Corridor knows, with where it came from and who may see it.
//!
//! A statement says "entity E (of schema S) has value V for property P", and carries its
//! provenance (source dataset, who recorded it and when), its handling code and purpose (who may
//! see it and what for), and the analyst's evaluation of source and information (Europol's 4×4).
//! Statements are never changed or deleted: a correction is a new statement that retracts an
//! older one, so that history is kept and every past view can be rebuilt.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use sha1::{Digest, Sha1};

/// A 128-bit statement id. Asserted statements get an id derived from their content (entity,
/// schema, property, value and dataset), so that importing the same facts twice stores them
/// once. The schema is part of it so that a later, more specific record of an entity (a
/// LegalEntity found to be a Person) is kept even when its values are the same.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementId(pub [u8; 16]);

impl StatementId {
    pub fn for_assertion(
        entity_id: &str,
        schema: &str,
        prop: &str,
        value: &str,
        dataset: &str,
    ) -> StatementId {
        digest(&[entity_id, schema, prop, value, dataset])
    }

    /// A retraction's id depends on what it retracts, who retracted it and when, so that the
    /// same person retracting the same fact at the same moment twice is one retraction.
    pub fn for_retraction(
        target: StatementId,
        recorded_by: &str,
        recorded_at: &str,
    ) -> StatementId {
        digest(&["retract", &target.to_string(), recorded_by, recorded_at])
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

fn digest(parts: &[&str]) -> StatementId {
    let mut h = Sha1::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    let full = h.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&full[..16]);
    StatementId(id)
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatementId({self})")
    }
}

impl FromStr for StatementId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 32 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "{s:?} is not a statement id (32 hexadecimal digits)"
            ));
        }
        let mut id = [0u8; 16];
        for (i, slot) in id.iter_mut().enumerate() {
            *slot = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
        }
        Ok(StatementId(id))
    }
}

/// Declares a small closed vocabulary with its wire spelling, kept in one place.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s)).ok_or_else(|| {
                    let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    format!("{s:?} is not a {} (expected one of: {})", stringify!($name), all.join(", "))
                })
            }
        }
    };
}

vocabulary! {
    /// Who may see a statement, in rising order of restriction.
    HandlingCode { Public = "public", Restricted = "restricted", Confidential = "confidential", Protection = "protection" }
}

vocabulary! {
    /// What a statement was collected for. Protection data is kept apart from enforcement.
    Purpose { BorderManagement = "border_management", LawEnforcement = "law_enforcement", Protection = "protection", Research = "research" }
}

vocabulary! {
    /// Source reliability (Europol 4×4): A completely reliable … X cannot be judged.
    SourceReliability { A = "A", B = "B", C = "C", X = "X" }
}

vocabulary! {
    /// Information assessment (Europol 4×4): 1 known to be true … 4 not known.
    InformationGrade { Known = "1", KnownToSource = "2", NotKnownToSource = "3", Unknown = "4" }
}

vocabulary! {
    /// Whether a statement asserts a fact or retracts an earlier statement.
    Operation { Assert = "assert", Retract = "retract" }
}

/// Everything about a statement except the fact itself. Many statements share one provenance
/// (an import shares it across millions of rows), so stores keep it once and refer to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Provenance {
    /// The source dataset, e.g. `debriefings-2026-lampedusa` or `opensanctions`.
    pub dataset: String,
    pub recorded_by: String,
    /// ISO 8601 UTC moment, e.g. `2026-11-22T08:00:00Z`.
    pub recorded_at: String,
    pub handling: HandlingCode,
    pub purpose: Purpose,
    pub reliability: SourceReliability,
    pub grade: InformationGrade,
}

/// One fact, or the retraction of one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub id: StatementId,
    pub entity_id: String,
    pub schema: String,
    pub prop: String,
    /// The normal form of the value (see [`crate::types`]).
    pub value: String,
    /// The value as the source wrote it, when that differs from the normal form.
    pub original_value: Option<String>,
    pub operation: Operation,
    /// For retractions: the statement retracted.
    pub retracts: Option<StatementId>,
    /// Shared: one import's statements all point at one provenance.
    pub provenance: Arc<Provenance>,
}

impl Statement {
    pub fn assert(
        entity_id: &str,
        schema: &str,
        prop: &str,
        value: String,
        original_value: Option<String>,
        provenance: Arc<Provenance>,
    ) -> Statement {
        Statement {
            id: StatementId::for_assertion(entity_id, schema, prop, &value, &provenance.dataset),
            entity_id: entity_id.to_string(),
            schema: schema.to_string(),
            prop: prop.to_string(),
            value,
            original_value,
            operation: Operation::Assert,
            retracts: None,
            provenance,
        }
    }

    /// A statement that withdraws `target`. It repeats the target's entity, property and value
    /// so that a history reads without lookups.
    pub fn retract(target: &Statement, provenance: Arc<Provenance>) -> Statement {
        Statement {
            id: StatementId::for_retraction(
                target.id,
                &provenance.recorded_by,
                &provenance.recorded_at,
            ),
            entity_id: target.entity_id.clone(),
            schema: target.schema.clone(),
            prop: target.prop.clone(),
            value: target.value.clone(),
            original_value: None,
            operation: Operation::Retract,
            retracts: Some(target.id),
            provenance,
        }
    }

    /// The value as the source wrote it.
    pub fn source_value(&self) -> &str {
        self.original_value.as_deref().unwrap_or(&self.value)
    }
}

/// Reserved property that holds an entity's FtM top-level fields other than id, schema and
/// properties (`datasets`, `referents`, `first_seen`…), as JSON, so an FtM export round-trips.
pub const FTM_META_PROP: &str = "$ftm";
