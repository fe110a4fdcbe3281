//! Matching mark-scheme points against an essay.

pub mod scheme;
