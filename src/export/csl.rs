//! CSL-JSON: one array of CSL items, the format Zotero, pandoc and citeproc read.
//!
//! - Conference papers are `paper-conference` with `container-title` (the proceedings) and
//!   `event-title` (`CVPR 2023`); journal papers are `article-journal` with
//!   `container-title`; preprints and papers without a venue are `article`, and with an arXiv
//!   id also `publisher: "arXiv"` and `number: "arXiv:{id}"` (Zotero's own arXiv shape).
//! - `id` is the citation key, the same as in BibTeX output, so `[@he2016deep]` works with
//!   either file; the papersift id is in `custom.papersift_id`.
//! - Our fields without a CSL variable sit under `custom` (CSL-JSON schema 1.0.2).

use super::names::{split, Name};
use super::{arxiv_id, citekey, pub_info, PubKind};
use crate::index::StoredPaper;
use serde_json::{json, Map, Value};
use std::io::{self, Write};

/// Characters of text kept as the `abstract`.
const ABSTRACT_CHARS: usize = 1000;

/// One CSL name object.
fn name(n: &str) -> Value {
    match split(n) {
        Name::Parts {
            family,
            given,
            particle,
            suffix,
        } => {
            let mut m = Map::new();
            m.insert("family".into(), family.into());
            if !given.is_empty() {
                m.insert("given".into(), given.into());
            }
            if !particle.is_empty() {
                m.insert("non-dropping-particle".into(), particle.into());
            }
            if !suffix.is_empty() {
                m.insert("suffix".into(), suffix.into());
            }
            Value::Object(m)
        }
        Name::Literal(l) => json!({ "literal": l }),
    }
}

/// The start of the text, cut at a word boundary near [`ABSTRACT_CHARS`], whitespace collapsed.
pub(crate) fn abstract_of(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some((cut, _)) = flat.char_indices().nth(ABSTRACT_CHARS) else {
        return flat;
    };
    let head = &flat[..cut];
    // Back off to a space if one is near; Chinese text has none and is cut at a character.
    let head = match head.rfind(' ') {
        Some(sp) if head[sp..].chars().count() < 100 => &head[..sp],
        _ => head,
    };
    format!("{}…", head.trim_end())
}

/// The CSL item for one paper with its key and its [`abstract_of`] the text.
pub(crate) fn item(p: &StoredPaper, key: &str, abs: &str) -> Value {
    let info = pub_info(p);
    let eprint = arxiv_id(p);
    let kind = match info.kind {
        PubKind::Conference => "paper-conference",
        PubKind::Journal => "article-journal",
        PubKind::Preprint => "article",
    };
    let mut m = Map::new();
    m.insert("id".into(), key.into());
    m.insert("type".into(), kind.into());
    m.insert("title".into(), p.title.clone().into());
    let authors: Vec<Value> = p
        .authors
        .iter()
        .filter(|a| !a.trim().is_empty())
        .map(|a| name(a))
        .collect();
    if !authors.is_empty() {
        m.insert("author".into(), authors.into());
    }
    if let Some(y) = p.year {
        m.insert("issued".into(), json!({ "date-parts": [[y]] }));
    }
    if let Some(c) = &info.container {
        m.insert("container-title".into(), c.clone().into());
    }
    if let Some(s) = &info.short {
        m.insert("container-title-short".into(), s.clone().into());
        if info.kind == PubKind::Conference {
            let event = match p.year {
                Some(y) => format!("{s} {y}"),
                None => s.clone(),
            };
            m.insert("event-title".into(), event.into());
        }
    }
    if info.kind == PubKind::Preprint {
        if let Some(id) = eprint {
            m.insert("publisher".into(), "arXiv".into());
            m.insert("number".into(), format!("arXiv:{id}").into());
        }
    }
    if let Some(u) = p.url() {
        m.insert("URL".into(), u.into());
    }
    if !p.keywords.is_empty() {
        // CSL's `keyword` is one string; Zotero splits it at commas.
        m.insert("keyword".into(), p.keywords.join(", ").into());
    }
    if matches!(p.lang.as_str(), "en" | "zh") {
        m.insert("language".into(), p.lang.clone().into());
    }
    if !abs.is_empty() {
        m.insert("abstract".into(), abs.into());
    }
    m.insert(
        "custom".into(),
        json!({
            "papersift_id": p.id,
            "arxiv_id": eprint,
            "topics": p.topics,
            "track": p.track,
            "code_url": p.code_url,
            "sources": p.sources,
        }),
    );
    Value::Object(m)
}

/// Writes the papers as one JSON array, one pretty-printed item after another.
pub(crate) fn write(
    papers: impl Iterator<Item = StoredPaper>,
    w: &mut dyn Write,
) -> io::Result<()> {
    // Keys need the whole set; keep only the abstract of each text, not the full text.
    let mut abstracts = Vec::new();
    let papers: Vec<StoredPaper> = papers
        .map(|mut p| {
            abstracts.push(abstract_of(&p.text));
            p.text = String::new();
            p
        })
        .collect();
    let keys = citekey::assign(&papers);
    if papers.is_empty() {
        return w.write_all(b"[]\n");
    }
    w.write_all(b"[\n")?;
    for (i, ((p, key), abs)) in papers.iter().zip(&keys).zip(&abstracts).enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        w.write_all(&serde_json::to_vec_pretty(&item(p, key, abs))?)?;
    }
    w.write_all(b"\n]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abstracts_are_cut() {
        assert_eq!(abstract_of("  short\n text "), "short text");
        let long = "word ".repeat(400);
        let a = abstract_of(&long);
        assert!(a.ends_with("word…") && a.chars().count() <= ABSTRACT_CHARS + 1);
        let zh = "联".repeat(1500);
        assert_eq!(abstract_of(&zh).chars().count(), ABSTRACT_CHARS + 1);
    }

    #[test]
    fn names() {
        assert_eq!(
            name("Kaiming He"),
            json!({"family": "He", "given": "Kaiming"})
        );
        assert_eq!(name("何恺明"), json!({"literal": "何恺明"}));
    }
}
