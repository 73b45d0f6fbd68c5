//! Protection and assistance for smuggled migrants, as pure rules with no storage or HTTP:
//!
//! - `age`: how old a person may be on a day, from a birth date of any precision and a claimed
//!   age; impossible dates refused;
//! - `vulnerability`: a structured screening (children and their age assessment, unaccompanied
//!   or separated children, trafficking indicators, medical needs, disability, pregnancy, older
//!   persons, survivors of violence, asylum intention) and the rules, as data, that turn it into
//!   needs and suggested referrals, each with its reasons;
//! - `referral`: services, the states of a referral and who may move it, and the consent a
//!   referral needs before it is sent;
//! - `avrr`: the steps of assisted voluntary return and reintegration and their order;
//! - `htcds`: the Human Trafficking Case Data Standard v2 names and picklists where Corridor's
//!   fields overlap them.

pub mod age;
pub mod avrr;
pub mod htcds;
pub mod referral;
pub mod vulnerability;

pub use age::{AgeRange, age_range};
pub use referral::{Consent, ReferralState, Service};
pub use vulnerability::{Assessment, Rules, Screening};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ProtectionError {
    /// Input that cannot be taken, with the field and why.
    #[error("{0}")]
    Invalid(String),
    /// A step that is not allowed now, with why.
    #[error("{0}")]
    Refused(String),
}

/// Serialisable enums with their wire names, parsed with an error that lists the choices.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Result<$name, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "{other:?} is not one of {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}
pub(crate) use wire_enum;
