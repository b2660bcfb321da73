//! Metadata normalization against the tables in `index-schema/`.

pub mod glossary;
pub mod venue;
