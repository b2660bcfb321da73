//! Render stage: search results, papers and statistics for people (text) and scripts (JSON).

use crate::index::{IndexMeta, StoredPaper};
use crate::query::snippet::Snippet;
use crate::query::{Hit, SearchResult};
use serde_json::{json, Value};
use std::io::{self, Write};

/// Output styling.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;31m";
const TITLE: &str = "\x1b[1;36m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("{code}{s}{RESET}")
        } else {
            s.to_string()
        }
    }
}

/// A source reference `path:line` split back into its parts.
pub fn split_source(s: &str) -> (&str, Option<u32>) {
    match s.rsplit_once(':') {
        Some((p, l)) if !p.is_empty() && l.chars().all(|c| c.is_ascii_digit()) && !l.is_empty() => {
            (p, l.parse().ok())
        }
        _ => (s, None),
    }
}

fn authors_short(a: &[String]) -> String {
    match a.len() {
        0 => String::new(),
        1..=4 => a.join(", "),
        n => format!("{}, … ({} authors)", a[..3].join(", "), n),
    }
}

fn venue_year(p: &StoredPaper) -> String {
    let mut s = String::new();
    if let Some(v) = &p.venue {
        s.push_str(v);
    }
    if let Some(y) = p.year {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&y.to_string());
    }
    if let Some(t) = &p.track {
        s.push_str(&format!(" ({t})"));
    }
    s
}

fn snippet_text(s: &Snippet, style: &Style) -> String {
    let mut out = String::new();
    let mut last = 0;
    for &(a, b) in &s.highlights {
        if a < last
            || b > s.text.len()
            || !s.text.is_char_boundary(a)
            || !s.text.is_char_boundary(b)
        {
            continue;
        }
        out.push_str(&s.text[last..a]);
        out.push_str(&style.paint(MATCH, &s.text[a..b]));
        last = b;
    }
    out.push_str(&s.text[last..]);
    out
}

/// Search results as text: one block per hit, and a closing count.
pub fn search_text(
    w: &mut dyn Write,
    r: &SearchResult,
    offset: usize,
    style: &Style,
) -> io::Result<()> {
    for (i, h) in r.hits.iter().enumerate() {
        let p = &h.paper;
        writeln!(
            w,
            "{}. {}  {}",
            offset + i + 1,
            style.paint(TITLE, &p.title),
            style.paint(DIM, &format!("[{}]", p.id))
        )?;
        let mut meta = Vec::new();
        let a = authors_short(&p.authors);
        if !a.is_empty() {
            meta.push(a);
        }
        let vy = venue_year(p);
        if !vy.is_empty() {
            meta.push(vy);
        }
        if !p.topics.is_empty() {
            meta.push(p.topics.join(", "));
        }
        if !meta.is_empty() {
            writeln!(w, "   {}", meta.join("  ·  "))?;
        }
        if !h.snippet.text.is_empty() {
            writeln!(w, "   {}", snippet_text(&h.snippet, style))?;
        }
        if let Some(s) = p.sources.first() {
            let more = if p.sources.len() > 1 {
                format!("  (+{} more)", p.sources.len() - 1)
            } else {
                String::new()
            };
            writeln!(w, "   {}{}", style.paint(DIM, s), style.paint(DIM, &more))?;
        }
        writeln!(w)?;
    }
    let facet_line = facet_summary(&r.facets);
    if !facet_line.is_empty() {
        writeln!(w, "{}", style.paint(DIM, &facet_line))?;
    }
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}–{}", offset + 1, offset + r.hits.len())
    };
    writeln!(
        w,
        "{}",
        style.paint(DIM, &format!("{} papers match{shown}", r.total))
    )?;
    Ok(())
}

/// One line of the largest facet counts: `venue: CVPR 12, NeurIPS 5 · year: 2025 20 · …`.
pub fn facet_summary(facets: &Value) -> String {
    let mut parts = Vec::new();
    for name in ["venue", "year", "topics"] {
        let items: Vec<String> = facets[name]
            .as_array()
            .into_iter()
            .flatten()
            .take(5)
            .map(|b| {
                let k = b[0]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| b[0].to_string());
                format!("{k} {}", b[1])
            })
            .collect();
        if !items.is_empty() {
            parts.push(format!("{name}: {}", items.join(", ")));
        }
    }
    parts.join("  ·  ")
}

/// Converts a highlight byte range into character offsets (what most JSON consumers index by).
fn char_ranges(s: &Snippet) -> Vec<[usize; 2]> {
    s.highlights
        .iter()
        .filter(|&&(a, b)| s.text.is_char_boundary(a) && s.text.is_char_boundary(b) && a <= b)
        .map(|&(a, b)| [s.text[..a].chars().count(), s.text[..b].chars().count()])
        .collect()
}

/// One hit as the JSON object scripts rely on.
pub fn hit_json(h: &Hit) -> Value {
    let p = &h.paper;
    let sources: Vec<Value> = p
        .sources
        .iter()
        .map(|s| {
            let (path, line) = split_source(s);
            json!({"path": path, "line": line})
        })
        .collect();
    let first = p.sources.first().map(|s| split_source(s));
    json!({
        "id": p.id,
        "score": h.score,
        "title": p.title,
        "authors": p.authors,
        "venue": p.venue,
        "year": p.year,
        "track": p.track,
        "topics": p.topics,
        "arxiv_id": p.arxiv_id,
        "url": p.url(),
        "code_url": p.code_url,
        "source": {
            "path": first.map(|f| f.0),
            "line": first.and_then(|f| f.1),
            "all": sources,
        },
        "snippet": h.snippet.text,
        "highlights": char_ranges(&h.snippet),
    })
}

/// Search results as one JSON object: `{"query", "total", "hits": [...]}`.
pub fn search_json(w: &mut dyn Write, r: &SearchResult) -> io::Result<()> {
    let v = json!({
        "query": r.query,
        "total": r.total,
        "hits": r.hits.iter().map(hit_json).collect::<Vec<_>>(),
        "facets": r.facets,
    });
    let mut v = v;
    if let Some(e) = &r.explain {
        v["explain"] = e.clone();
    }
    serde_json::to_writer_pretty(&mut *w, &v)?;
    writeln!(w)
}

/// Search results as JSON Lines: one hit per line.
pub fn search_jsonl(w: &mut dyn Write, r: &SearchResult) -> io::Result<()> {
    for h in &r.hits {
        serde_json::to_writer(&mut *w, &hit_json(h))?;
        writeln!(w)?;
    }
    Ok(())
}

/// A whole paper for `show`.
pub fn paper_text(w: &mut dyn Write, p: &StoredPaper, style: &Style) -> io::Result<()> {
    writeln!(w, "{}", style.paint(TITLE, &p.title))?;
    let field = |w: &mut dyn Write, k: &str, v: &str| -> io::Result<()> {
        if v.is_empty() {
            Ok(())
        } else {
            writeln!(w, "{:<10} {}", style.paint(BOLD, k), v)
        }
    };
    field(w, "id", &p.id)?;
    field(w, "authors", &p.authors.join(", "))?;
    field(w, "published", &venue_year(p))?;
    field(w, "topics", &p.topics.join(", "))?;
    field(w, "keywords", &p.keywords.join(", "))?;
    field(w, "arXiv", p.arxiv_id.as_deref().unwrap_or(""))?;
    field(w, "url", &p.url().unwrap_or_default())?;
    field(w, "code", p.code_url.as_deref().unwrap_or(""))?;
    field(w, "date", p.date.as_deref().unwrap_or(""))?;
    writeln!(w, "{}", style.paint(BOLD, "sources"))?;
    for s in &p.sources {
        writeln!(w, "  {s}")?;
    }
    writeln!(w)?;
    writeln!(w, "{}", p.text)?;
    Ok(())
}

/// Index statistics as text.
pub fn stats_text(
    w: &mut dyn Write,
    m: &IndexMeta,
    size: u64,
    facets: &Value,
    style: &Style,
) -> io::Result<()> {
    writeln!(w, "{:<16} {}", style.paint(BOLD, "files"), m.files_read)?;
    writeln!(
        w,
        "{:<16} {:.1} MB",
        style.paint(BOLD, "text"),
        m.bytes_read as f64 / 1e6
    )?;
    writeln!(w, "{:<16} {}", style.paint(BOLD, "records"), m.records)?;
    writeln!(w, "{:<16} {}", style.paint(BOLD, "unique papers"), m.papers)?;
    writeln!(
        w,
        "{:<16} {:.1} MB ({:.2}× the text)",
        style.paint(BOLD, "index size"),
        size as f64 / 1e6,
        size as f64 / (m.bytes_read.max(1)) as f64
    )?;
    writeln!(
        w,
        "{:<16} {}",
        style.paint(BOLD, "repaired files"),
        m.repaired_files
    )?;
    writeln!(
        w,
        "{:<16} {}",
        style.paint(BOLD, "skipped files"),
        m.skipped.len()
    )?;
    let roots: Vec<String> = m.roots.iter().map(|r| r.display().to_string()).collect();
    writeln!(w, "{:<16} {}", style.paint(BOLD, "roots"), roots.join(", "))?;
    for (name, counts) in facets.as_object().into_iter().flatten() {
        let items: Vec<String> = counts
            .as_array()
            .into_iter()
            .flatten()
            .take(12)
            .filter_map(|c| {
                Some(format!(
                    "{} {}",
                    c.get(0)?
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| c[0].to_string()),
                    c.get(1)?
                ))
            })
            .collect();
        if !items.is_empty() {
            writeln!(w, "{:<16} {}", style.paint(BOLD, name), items.join(", "))?;
        }
    }
    if !m.flagged.is_empty() {
        writeln!(
            w,
            "{} ({})",
            style.paint(BOLD, "files flagged by encoding repair"),
            m.flagged.len()
        )?;
        for f in &m.flagged {
            writeln!(w, "  {}  [{}] {}", f.path, f.encoding, f.reason)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_split_on_the_last_colon_only() {
        assert_eq!(split_source("/a/b:c.md:12"), ("/a/b:c.md", Some(12)));
        assert_eq!(split_source("/a/b.md"), ("/a/b.md", None));
    }

    #[test]
    fn highlights_are_painted_only_with_colour() {
        let s = Snippet {
            text: "学习联邦学习".into(),
            highlights: vec![(6, 18)],
        };
        assert_eq!(snippet_text(&s, &Style { color: false }), "学习联邦学习");
        assert_eq!(
            snippet_text(&s, &Style { color: true }),
            format!("学习{MATCH}联邦学习{RESET}")
        );
        assert_eq!(char_ranges(&s), vec![[2, 6]]);
    }
}
