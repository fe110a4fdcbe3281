//! The studypack content model.
//!
//! This crate is pure: it holds the validated types of the essay library ([`model`]),
//! the authoring format that editors write ([`authoring`]), the importer for pages in the
//! scraped revision-site format ([`page`]) and the plain-text mark-scheme reader
//! ([`scheme_text`]). It does no I/O: callers hand it text and a name for error messages.

pub mod access;
pub mod authoring;
pub mod error;
pub mod import;
pub mod model;
pub mod page;
pub mod scheme_text;
pub mod text;
pub mod views;

pub use access::{PackScope, Role};
pub use error::ContentError;
pub use model::*;
