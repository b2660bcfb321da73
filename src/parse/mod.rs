//! Parse stage: decoded text + path → paper sightings (one per paper a page describes).
//!
//! A page is read once into a [`doc::Doc`] (lines, front matter, code fences, junk marks, page
//! context); layout detectors then split it into record spans, tried from the most specific
//! structure to the least: linked-title digests ([`digest`]), numbered venue posts
//! ([`venue_post`]), plain-line digests with `Authors:` lines ([`plain_digest`]), and one record per
//! page ([`note`]: notes, scraped articles and anything else). Every span is turned into a
//! [`Sighting`] by the same record builder, so labels, junk rules and metadata resolution are
//! shared by all layouts.

#![warn(missing_docs)]

pub mod authors;
pub mod digest;
pub mod doc;
pub mod fields;
pub mod frontmatter;
pub mod jsonl;
pub mod junk;
pub mod note;
pub mod plain_digest;
pub mod record;
pub mod text;
pub mod title;
pub mod venue_post;

use serde::{Deserialize, Serialize};
use std::path::Path;

/// One paper as one page describes it. Several sightings of one paper are merged later.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Sighting {
    /// Paper title as written (whitespace-normalized).
    pub title: String,
    /// Author names, affiliations and markers stripped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Normalized venue acronym (`CVPR`, `NeurIPS`…), see `meta::venue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    /// oral, spotlight, poster, findings, workshop, highlight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<String>,
    /// Publication year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Topic ids from the taxonomy in `index-schema/topics.toml`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// Bare arXiv id without version (`2203.16427`, `hep-th/9901001`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arxiv_id: Option<String>,
    /// Paper/PDF/code/project URLs the record names, most important first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    /// Code repository URL, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_url: Option<String>,
    /// URL of the page itself (front matter `url:`/`source:`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// Page date (`YYYY-MM-DD`) from front matter or file name, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Keywords stated by the page (关键词 / Keywords / tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// The record's own text (summary, abstract, notes) with junk removed.
    pub text: String,
    /// 1-based line in the decoded file where the record starts.
    pub line: u32,
    /// PDF or paper link, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdf_url: Option<String>,
    /// arXiv primary category (`cs.CV`), when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Which layout split the page (`digest`, `note`, `venue-post`, `plain-digest`, `single`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub layout: String,
}

/// Splits a decoded page into the papers it describes.
///
/// `path` is the file's path relative to the indexed root; folder names may carry
/// venue and year (`CVPR2025/`). Never panics; a page with no recognizable structure gives one
/// record with the best title found. JSON Lines pages give one record per object ([`jsonl`]).
pub fn parse(text: &str, path: &Path) -> Vec<Sighting> {
    if let Some(records) = jsonl::records(text, path) {
        return records;
    }
    let doc = doc::Doc::new(text, path);
    let spans = digest::spans(&doc)
        .or_else(|| venue_post::spans(&doc))
        .or_else(|| plain_digest::spans(&doc))
        .unwrap_or_else(|| vec![note::span(&doc)]);
    spans.iter().map(|s| record::build(&doc, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_odd_inputs_give_one_record() {
        for t in ["", "\n\n", "---", "# ", "| a |", "\u{feff}"] {
            let r = parse(t, Path::new("x/y.md"));
            assert_eq!(r.len(), 1, "{t:?}");
        }
        assert_eq!(
            parse("", Path::new("notes/my_paper.md"))[0].title,
            "my_paper"
        );
    }

    #[test]
    fn front_matter_only_pages_start_within_the_page() {
        // Found by the fuzzer: the record started one line past the end.
        for (t, lines) in [
            ("---\ntitle: X\n---", 3),
            ("---\ntitle: X", 2),
            ("---\ntitle: X\nurl: https://a.org", 3),
        ] {
            let r = parse(t, Path::new("a.md"));
            assert_eq!(r[0].title, "X", "{t:?}");
            assert!(r[0].line as usize <= lines, "{t:?}: line {}", r[0].line);
        }
    }

    #[test]
    fn venue_from_folder_comment_and_url() {
        let r = &parse(
            "# Fast Nets\n\nWe make nets fast.",
            Path::new("CVPR2025/misc/fast.md"),
        )[0];
        assert_eq!((r.venue.as_deref(), r.year), (Some("CVPR"), Some(2025)));
        let r = &parse(
            "# Fast Nets\n\nAccepted at ICML 2026 (Oral)\n\nWe make nets fast.",
            Path::new("a.md"),
        )[0];
        assert_eq!(
            (r.venue.as_deref(), r.year, r.track.as_deref()),
            (Some("ICML"), Some(2026), Some("oral"))
        );
        assert!(!r.text.contains("Accepted"));
        let page = "# Fast Nets\n\n**Paper**: [pdf](https://openaccess.thecvf.com/content/ICCV2023/papers/x.pdf)\n\nBody.";
        let r = &parse(page, Path::new("a.md"))[0];
        assert_eq!((r.venue.as_deref(), r.year), (Some("ICCV"), Some(2023)));
        // Body text naming a benchmark is not a venue.
        let r = &parse("# Fast Nets\n\nWe beat CVPR baselines.", Path::new("a.md"))[0];
        assert_eq!(r.venue, None);
    }

    #[test]
    fn year_falls_back_to_date_then_arxiv_id() {
        let r = &parse("# T\n\n**arXiv**: 2203.16427v2", Path::new("notes/t.md"))[0];
        assert_eq!(
            (r.arxiv_id.as_deref(), r.year),
            (Some("2203.16427"), Some(2022))
        );
        let r = &parse("# T\n\n**arXiv**: 2203.16427", Path::new("2024-01-05.md"))[0];
        assert_eq!(
            (r.date.as_deref(), r.year),
            (Some("2024-01-05"), Some(2024))
        );
    }
}
