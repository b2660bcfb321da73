//! Metadata normalization against the tables in `index-schema/`.

pub mod date;
pub mod labels;
pub mod topic;
pub mod venue;
