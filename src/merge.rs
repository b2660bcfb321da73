//! Merge stage: sightings from many files → one [`Paper`] per paper.
//!
//! Key: the arXiv id where known, else the normalized title + first author's family name.

use crate::parse::Sighting;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

/// Where a sighting came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceRef {
    /// The file, as found under the indexed root (raw bytes kept by `PathBuf`).
    pub path: PathBuf,
    /// 1-based line where the record starts in the decoded file.
    pub line: u32,
}

/// One paper: the union of all its sightings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Paper {
    /// Stable id: arXiv id without version, else `h` + 16 hex digits of a title/author hash.
    pub id: String,
    /// Best title seen.
    pub title: String,
    /// Author list from the most complete sighting.
    pub authors: Vec<String>,
    /// Normalized venue acronym.
    pub venue: Option<String>,
    /// Track (oral, poster…).
    pub track: Option<String>,
    /// Publication year.
    pub year: Option<u16>,
    /// Topic ids, union over sightings.
    pub topics: Vec<String>,
    /// Bare arXiv id.
    pub arxiv_id: Option<String>,
    /// URLs, union over sightings, first seen first.
    pub urls: Vec<String>,
    /// Code repository URL.
    pub code_url: Option<String>,
    /// Keywords, union over sightings.
    pub keywords: Vec<String>,
    /// Earliest page date seen.
    pub date: Option<String>,
    /// Distinct passages of all sightings, joined by blank lines.
    pub text: String,
    /// Every file (and line) the paper was seen in, sorted.
    pub sources: Vec<SourceRef>,
}

/// Key that decides whether two sightings are the same paper.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PaperKey {
    /// Same arXiv id.
    Arxiv(String),
    /// Same normalized title and first author's last name.
    TitleAuthor(String),
}

/// Lowercased alphanumerics of a title (any script), so punctuation and spacing differences vanish.
pub fn normalize_title(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The merge key of one sighting.
pub fn key_of(s: &Sighting) -> PaperKey {
    if let Some(a) = &s.arxiv_id {
        return PaperKey::Arxiv(a.clone());
    }
    let first = s
        .authors
        .first()
        .and_then(|a| a.split_whitespace().last())
        .unwrap_or("");
    PaperKey::TitleAuthor(format!(
        "{}|{}",
        normalize_title(&s.title),
        normalize_title(first)
    ))
}

fn id_for(key: &PaperKey) -> String {
    match key {
        PaperKey::Arxiv(a) => a.clone(),
        PaperKey::TitleAuthor(t) => {
            let h = blake3::hash(t.as_bytes());
            format!("h{}", &h.to_hex()[..16])
        }
    }
}

/// Groups sightings into papers. Output order: by first appearance.
pub fn merge(sightings: impl IntoIterator<Item = (SourceRef, Sighting)>) -> Vec<Paper> {
    let mut order: Vec<PaperKey> = Vec::new();
    let mut groups: HashMap<PaperKey, Vec<(SourceRef, Sighting)>> = HashMap::new();
    for (src, s) in sightings {
        let k = key_of(&s);
        let g = groups.entry(k.clone()).or_default();
        if g.is_empty() {
            order.push(k);
        }
        g.push((src, s));
    }
    order
        .into_iter()
        .filter_map(|k| {
            let g = groups.remove(&k)?;
            Some(merge_group(&k, g))
        })
        .collect()
}

fn push_unique(v: &mut Vec<String>, items: &[String]) {
    for it in items {
        if !v.contains(it) {
            v.push(it.clone());
        }
    }
}

fn merge_group(key: &PaperKey, group: Vec<(SourceRef, Sighting)>) -> Paper {
    let mut p = Paper {
        id: id_for(key),
        ..Default::default()
    };
    let mut passages: Vec<String> = Vec::new();
    for (src, s) in group {
        if p.title.is_empty() {
            p.title = s.title.clone();
        }
        if s.authors.len() > p.authors.len() {
            p.authors = s.authors.clone();
        }
        // A venue sighting beats a preprint one: keep the first venue stated.
        if p.venue.is_none() {
            p.venue = s.venue.clone();
            if s.venue.is_some() {
                p.year = s.year;
                p.track = s.track.clone();
            }
        }
        if p.year.is_none() {
            p.year = s.year;
        }
        if p.track.is_none() {
            p.track = s.track.clone();
        }
        p.arxiv_id = p.arxiv_id.or(s.arxiv_id);
        p.code_url = p.code_url.or(s.code_url);
        push_unique(&mut p.topics, &s.topics);
        push_unique(&mut p.urls, &s.urls);
        push_unique(&mut p.keywords, &s.keywords);
        if let Some(d) = s.date {
            if p.date.as_ref().is_none_or(|cur| &d < cur) {
                p.date = Some(d);
            }
        }
        for para in s.text.split("\n\n") {
            let para = para.trim();
            if !para.is_empty() && !passages.iter().any(|q| q == para) {
                passages.push(para.to_string());
            }
        }
        p.sources.push(src);
    }
    p.sources.sort();
    p.sources.dedup();
    p.text = passages.join("\n\n");
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(title: &str, arxiv: Option<&str>, text: &str) -> Sighting {
        Sighting {
            title: title.into(),
            arxiv_id: arxiv.map(Into::into),
            authors: vec!["Ada Lovelace".into()],
            text: text.into(),
            ..Default::default()
        }
    }

    fn src(p: &str) -> SourceRef {
        SourceRef {
            path: p.into(),
            line: 1,
        }
    }

    #[test]
    fn same_arxiv_id_is_one_paper_with_every_source_and_distinct_text() {
        let papers = merge(vec![
            (
                src("a.md"),
                s(
                    "Deep Nets",
                    Some("2301.00001"),
                    "Summary one.\n\nShared abstract.",
                ),
            ),
            (
                src("b.md"),
                s(
                    "Deep Nets",
                    Some("2301.00001"),
                    "Summary two.\n\nShared abstract.",
                ),
            ),
            (src("c.md"), s("Other", Some("2301.00002"), "x")),
        ]);
        assert_eq!(papers.len(), 2);
        assert_eq!(papers[0].id, "2301.00001");
        assert_eq!(papers[0].sources.len(), 2);
        assert_eq!(papers[0].text.matches("Shared abstract.").count(), 1);
        assert!(papers[0].text.contains("Summary two."));
    }

    #[test]
    fn without_arxiv_id_title_and_first_author_decide() {
        let papers = merge(vec![
            (src("a.md"), s("Deep  Nets!", None, "a")),
            (src("b.md"), s("deep nets", None, "b")),
        ]);
        assert_eq!(papers.len(), 1);
        assert!(papers[0].id.starts_with('h') && papers[0].id.len() == 17);
    }
}
