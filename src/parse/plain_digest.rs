//! LLM digests of plain lines: a title line, `Authors:A, B, C`, an abstract, a translation,
//! `Summary`/`Key Takeaways` sections and a line like `PDF Accepted (Poster) at ICML 2025`.

use super::doc::Doc;
use super::fields::label_line;
use super::record::Span;
use super::{text, title};
use crate::meta::labels::Field;

/// Record spans when at least two `Authors:` lines each follow a title-like line.
pub fn spans(doc: &Doc<'_>) -> Option<Vec<Span>> {
    let n = doc.lines.len();
    let mut starts: Vec<(usize, usize, String)> = Vec::new();
    for i in doc.body..n {
        if !doc.is_label(i, Field::Authors) {
            continue;
        }
        // The title is the nearest non-empty line above, unless that is itself a label.
        let Some(t) = (doc.body..i)
            .rev()
            .take(3)
            .find(|&j| !doc.lines[j].trim().is_empty() && !doc.junk[j])
        else {
            continue;
        };
        let line = doc.lines[t].trim();
        if label_line(line).is_some() || line.chars().count() > 300 {
            continue;
        }
        let raw = text::heading(line).map_or(line, |(_, h)| h);
        let raw = title::strip_number(raw).unwrap_or(raw);
        let clean = title::clean(raw);
        if !clean.is_empty() {
            starts.push((t, i, clean));
        }
    }
    if starts.len() < 2 {
        return None;
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, (t, _, clean)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(n, |s| s.0);
        out.push(Span {
            start: *t,
            end,
            title_lines: vec![*t],
            title: clean.clone(),
            layout: "plain-digest",
            ..Span::default()
        });
    }
    Some(out)
}
