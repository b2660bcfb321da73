//! Parse stage: decoded text + path → paper sightings (one per paper a page describes).

use serde::{Deserialize, Serialize};
use std::path::Path;

/// One paper as one page describes it. Several sightings of one paper are merged later.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Sighting {
    /// Paper title as written (whitespace-normalized).
    pub title: String,
    /// Author names, affiliations and markers stripped.
    pub authors: Vec<String>,
    /// Normalized venue acronym (`CVPR`, `NeurIPS`…), see `meta::venue`.
    pub venue: Option<String>,
    /// oral, spotlight, poster, findings, workshop, highlight.
    pub track: Option<String>,
    /// Publication year.
    pub year: Option<u16>,
    /// Topic ids from the taxonomy in `index-schema/topics.toml`.
    pub topics: Vec<String>,
    /// Bare arXiv id without version (`2203.16427`, `hep-th/9901001`).
    pub arxiv_id: Option<String>,
    /// Paper/PDF/code/project URLs the record names, most important first.
    pub urls: Vec<String>,
    /// Code repository URL, when stated.
    pub code_url: Option<String>,
    /// URL of the page itself (front matter `url:`/`source:`), when known.
    pub page_url: Option<String>,
    /// Page date (`YYYY-MM-DD`) from front matter or file name, when known.
    pub date: Option<String>,
    /// Keywords stated by the page (关键词 / Keywords / tags).
    pub keywords: Vec<String>,
    /// The record's own text (summary, abstract, notes) with junk removed.
    pub text: String,
    /// 1-based line in the decoded file where the record starts.
    pub line: u32,
}

/// Splits a decoded page into the papers it describes.
///
/// `path` is the file's path relative to the indexed root; folder names may carry
/// venue and year (`CVPR2025/`).
pub fn parse(text: &str, path: &Path) -> Vec<Sighting> {
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("# "))
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    vec![Sighting {
        title,
        text: text.to_string(),
        line: 1,
        ..Default::default()
    }]
}
