//! papersift: local full-text search over folders of paper summaries.
//!
//! Data flows one way: bytes → [`decode`] → [`parse`] → [`merge`] → [`analyze`] → [`index`]
//! → [`query`] → [`render`]/[`export`]. Each stage is a module with one public entry point;
//! no stage calls into a later one.

pub mod analyze;
pub mod app;
pub mod cli;
pub mod decode;
pub mod export;
pub mod index;
pub mod ingest;
pub mod merge;
pub mod meta;
pub mod parse;
pub mod query;
pub mod render;
pub mod walk;
pub mod watch;
