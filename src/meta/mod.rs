//! Metadata normalization against the tables in `index-schema/`.

#![warn(missing_docs)]

pub mod date;
pub mod glossary;
pub mod labels;
pub mod topic;
pub mod venue;
