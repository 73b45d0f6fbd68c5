//! Corridor's data model, the language every other crate speaks.
//!
//! - [`schema`]: entity types as data (one YAML file each, FollowTheMoney-compatible), loaded
//!   and checked at start-up;
//! - [`types`]: what a value of each property type may be, and its normal form;
//! - [`statement`]: facts with provenance, handling code, purpose and evaluation;
//! - [`entity`]: an entity as the fold of its statements;
//! - [`id`]: entity ids and deterministic ids from keys.
//!
//! This crate does no IO beyond reading its own embedded files: no database, no network, no
//! files at run time. That keeps it fast to test and usable from every engine.

pub mod entity;
pub mod id;
pub mod schema;
pub mod statement;
pub mod types;

pub use entity::Entity;
pub use schema::{Model, Property, Schema, SchemaError};
pub use statement::{
    HandlingCode, InformationGrade, Operation, Provenance, Purpose, SourceReliability, Statement,
    StatementId,
};
pub use types::{CleanHints, PropertyType, ValueError};
