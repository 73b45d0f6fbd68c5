//! International cooperation between central authorities, without HTTP or SQL.
//!
//! - [`request`]: a cooperation request (mutual legal assistance, police information,
//!   spontaneous information, joint investigation team, extradition) with its legal basis,
//!   subjects, questions, deadline and handling code, and the steps of its life, each taken
//!   only by the side whose step it is.
//! - [`timeliness`]: how long partners take to acknowledge and answer, and what is overdue —
//!   the figure central authorities are judged by and no surveyed system shows.
//! - [`keys`] and [`envelope`]: what travels between nodes. Each node signs with Ed25519 and
//!   receives with an age X25519 key; a package is a signed header line and an age-encrypted
//!   body, the same bytes over HTTPS or on a stick. No cryptography is written here: only
//!   reviewed crates, composed the way their formats intend.

pub mod envelope;
pub mod keys;
pub mod request;
pub mod timeliness;

pub use envelope::{Header, Meta, Opened, open, read_header, seal};
pub use keys::{NodeKeys, PartnerKeys};
pub use request::{
    Dissemination, Event, LegalBasis, Request, RequestType, Side, State, Urgency, check_text,
    legal_bases,
};
pub use timeliness::{Timeliness, timeliness};

#[derive(Debug, thiserror::Error)]
pub enum CoopError {
    /// The input is wrong; the message names the field.
    #[error("{0}")]
    Invalid(String),
    /// The step is not this side's to take.
    #[error("{0}")]
    Forbidden(String),
    /// The step does not fit the request's state.
    #[error("{0}")]
    Conflict(String),
    /// A package refused on receipt, and why.
    #[error("package refused: {0}")]
    Refused(String),
    #[error("{0}")]
    Io(String),
}
