//! Merge stage: sightings from many files → one [`Paper`] per paper.
//!
//! Key: the arXiv id where known, else the normalized title + first author's family name.

#![warn(missing_docs)]

use crate::parse::Sighting;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
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
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Hash)]
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
    /// arXiv primary category (`cs.CV`), when a page states it.
    pub category: Option<String>,
    /// Keywords, union over sightings.
    pub keywords: Vec<String>,
    /// Earliest page date seen.
    pub date: Option<String>,
    /// Distinct passages of all sightings, joined by blank lines.
    pub text: String,
    /// Every file (and line) the paper was seen in, sorted.
    pub sources: Vec<SourceRef>,
}

impl Paper {
    /// A hash of everything the paper holds, stable from run to run: an
    /// incremental run replaces exactly the papers whose fingerprint changed.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        struct Blake(blake3::Hasher);
        impl Hasher for Blake {
            fn write(&mut self, bytes: &[u8]) {
                self.0.update(bytes);
            }
            fn finish(&self) -> u64 {
                let h = self.0.finalize();
                let mut b = [0u8; 8];
                b.copy_from_slice(&h.as_bytes()[..8]);
                u64::from_le_bytes(b)
            }
        }
        let mut h = Blake(blake3::Hasher::new());
        self.hash(&mut h);
        h.finish()
    }
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
    PaperKey::TitleAuthor(format!(
        "{}|{}",
        normalize_title(&s.title),
        first_author_key(s)
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

/// First author's family name, folded: the last word of a spaced name (`Ada Lovelace` →
/// `lovelace`), the whole name otherwise (`张三`).
fn first_author_key(s: &Sighting) -> String {
    let first = s
        .authors
        .first()
        .map_or("", |a| a.split_whitespace().last().unwrap_or(""));
    normalize_title(first)
}

/// Titles shorter than this (folded) are too generic to join records on their own.
const MIN_TITLE_KEY: usize = 12;

struct Groups {
    parent: Vec<usize>,
    arxiv: Vec<Option<String>>,
}

impl Groups {
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins two groups unless both carry different arXiv ids (then they are two papers that
    /// happen to share a title and first author).
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if let (Some(x), Some(y)) = (&self.arxiv[ra], &self.arxiv[rb]) {
            if x != y {
                return;
            }
        }
        let (keep, gone) = if ra < rb { (ra, rb) } else { (rb, ra) };
        self.parent[gone] = keep;
        if self.arxiv[keep].is_none() {
            self.arxiv[keep] = self.arxiv[gone].take();
        }
    }
}

/// Groups sightings into papers. Output order: by first appearance.
///
/// Sightings are one paper when they share an arXiv id, or a normalized title and first
/// author's family name; a sighting without authors joins the paper with the same (specific
/// enough) title. So a venue post without arXiv id and the preprint's digest entry become one
/// record carrying both the venue and the arXiv id.
pub fn merge(sightings: impl IntoIterator<Item = (SourceRef, Sighting)>) -> Vec<Paper> {
    let mut papers = Vec::new();
    let _ = merge_each(sightings, |p| {
        papers.push(p);
        Ok::<(), std::convert::Infallible>(())
    });
    papers
}

/// [`merge`], handing each paper to `each` as soon as it is built (in the same order), so
/// that a caller writing papers out never holds them all.
pub fn merge_each<E>(
    sightings: impl IntoIterator<Item = (SourceRef, Sighting)>,
    mut each: impl FnMut(Paper) -> Result<(), E>,
) -> Result<(), E> {
    let items: Vec<(SourceRef, Sighting)> = sightings.into_iter().collect();
    let n = items.len();
    let mut g = Groups {
        parent: (0..n).collect(),
        arxiv: items.iter().map(|(_, s)| s.arxiv_id.clone()).collect(),
    };
    let mut by_arxiv: HashMap<&str, usize> = HashMap::new();
    let mut by_title_author: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    for (i, (_, s)) in items.iter().enumerate() {
        if let Some(a) = s.arxiv_id.as_deref() {
            match by_arxiv.get(a) {
                Some(&j) => g.union(j, i),
                None => {
                    by_arxiv.insert(a, i);
                }
            }
        }
    }
    for (i, (_, s)) in items.iter().enumerate() {
        let t = normalize_title(&s.title);
        if t.is_empty() {
            continue;
        }
        if !s.authors.is_empty() {
            let k = format!("{t}|{}", first_author_key(s));
            match by_title_author.get(&k) {
                Some(&j) => g.union(j, i),
                None => {
                    by_title_author.insert(k, i);
                }
            }
        }
        if t.chars().count() >= MIN_TITLE_KEY {
            by_title.entry(t).or_insert(i);
        }
    }
    // Sightings without authors (a title-only mention) join the paper with that title.
    for (i, (_, s)) in items.iter().enumerate() {
        if s.authors.is_empty() {
            if let Some(&j) = by_title.get(&normalize_title(&s.title)) {
                g.union(j, i);
            }
        }
    }
    let mut order: Vec<usize> = Vec::new();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = g.find(i);
        let m = members.entry(r).or_default();
        if m.is_empty() {
            order.push(r);
        }
        m.push(i);
    }
    let mut slots: Vec<Option<(SourceRef, Sighting)>> = items.into_iter().map(Some).collect();
    for r in order {
        let Some(idx) = members.remove(&r) else {
            continue;
        };
        let group: Vec<(SourceRef, Sighting)> = idx
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take))
            .collect();
        let key = group
            .iter()
            .find_map(|(_, s)| s.arxiv_id.clone().map(PaperKey::Arxiv))
            .or_else(|| group.first().map(|(_, s)| key_of(s)));
        if let Some(key) = key {
            each(merge_group(&key, group))?;
        }
    }
    Ok(())
}

fn push_unique(v: &mut Vec<String>, items: &[String]) {
    for it in items {
        if !v.contains(it) {
            v.push(it.clone());
        }
    }
}

/// What makes two passages the same: the text after a short leading label, so `TL;DR: …` in a
/// digest and `Tldr: …` or the bare value in a JSON export of it count once.
fn passage_key(para: &str) -> &str {
    let head = para
        .char_indices()
        .take(24)
        .find(|&(_, c)| c == ':' || c == '：');
    match head {
        Some((i, c))
            if para[..i]
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ' ' | ';' | '-' | '_' | '/')) =>
        {
            let rest = para[i + c.len_utf8()..].trim_start();
            if rest.is_empty() {
                para
            } else {
                rest
            }
        }
        _ => para,
    }
}

fn merge_group(key: &PaperKey, group: Vec<(SourceRef, Sighting)>) -> Paper {
    let mut p = Paper {
        id: id_for(key),
        ..Default::default()
    };
    let mut passages: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (src, s) in group {
        if p.title.is_empty()
            || (p.arxiv_id.is_none() && s.arxiv_id.is_some() && !s.title.is_empty())
        {
            // The arXiv listing's spelling of the title is the canonical one.
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
        p.category = p.category.or(s.category);
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
            if !para.is_empty() && seen.insert(passage_key(para).to_string()) {
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
    fn a_passage_under_another_label_is_not_repeated() {
        let papers = merge(vec![
            (
                src("digest.md"),
                s(
                    "Deep Nets",
                    Some("2301.00001"),
                    "TL;DR: 本文提出新方法。\n\nAbstract: We go deep.",
                ),
            ),
            (
                src("export.jsonl"),
                s(
                    "Deep Nets",
                    Some("2301.00001"),
                    "Tldr: 本文提出新方法。\n\nWe go deep.\n\nComment: 9 pages",
                ),
            ),
        ]);
        assert_eq!(
            papers[0].text,
            "TL;DR: 本文提出新方法。\n\nAbstract: We go deep.\n\nComment: 9 pages"
        );
        // A label with nothing after it is not a key that swallows the next one.
        let papers = merge(vec![(src("a.md"), s("X", None, "Method:\n\nResult:"))]);
        assert_eq!(papers[0].text, "Method:\n\nResult:");
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

    #[test]
    fn venue_post_without_arxiv_joins_the_preprint() {
        let mut post = s("Deep Nets: A Study", None, "post text");
        post.venue = Some("CVPR".into());
        post.year = Some(2023);
        post.track = Some("oral".into());
        let mut pre = s("Deep Nets: a study", Some("2301.00001"), "abstract");
        pre.year = Some(2023);
        let papers = merge(vec![(src("post.md"), post), (src("digest.md"), pre)]);
        assert_eq!(papers.len(), 1);
        let p = &papers[0];
        assert_eq!(p.id, "2301.00001");
        assert_eq!(p.venue.as_deref(), Some("CVPR"));
        assert_eq!(p.track.as_deref(), Some("oral"));
        assert!(p.text.contains("post text") && p.text.contains("abstract"));
    }

    #[test]
    fn different_arxiv_ids_never_merge_and_title_only_mentions_join() {
        let papers = merge(vec![
            (src("a.md"), s("Same Title Here", Some("2301.00001"), "a")),
            (src("b.md"), s("Same Title Here", Some("2301.00002"), "b")),
        ]);
        assert_eq!(papers.len(), 2);
        let mut bare = s("A Long Enough Title", None, "bare");
        bare.authors.clear();
        let papers = merge(vec![
            (
                src("a.md"),
                s("A long enough title", Some("2301.00003"), "a"),
            ),
            (src("b.md"), bare),
        ]);
        assert_eq!(papers.len(), 1);
        assert_eq!(papers[0].sources.len(), 2);
    }
}
