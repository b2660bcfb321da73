//! Digests whose papers are headings linking to the paper (`### [n] [Title](https://arxiv.org/abs/ID)`),
//! each followed by an italic author line and labelled summary lines.

use super::doc::Doc;
use super::record::Span;
use super::{text, title};

/// A heading that is a link to a paper, optionally numbered: its title and URL.
pub fn paper_heading(h: &str) -> Option<(String, String)> {
    let ls = text::links(h);
    let l = ls
        .iter()
        .rev()
        .find(|l| !l.image && l.url.starts_with("http"))?;
    // Whatever precedes the link may only be numbering (`[3]`, `3.`); nothing may follow it.
    let before = h[..l.span.0].trim();
    let after = h[l.span.1..].trim();
    let numbering = before.is_empty()
        || before
            .trim_matches(['[', ']', '(', ')', '.', '#', ' '])
            .chars()
            .all(|c| c.is_ascii_digit())
        || title::strip_number(&format!("{before} x")).is_some_and(|r| r == "x");
    if !numbering || !after.trim_matches(['*', '_']).is_empty() {
        return None;
    }
    let t = text::squash(l.text);
    (!t.is_empty()).then(|| (t, l.url.to_string()))
}

/// Record spans when at least two headings of one level are paper links.
pub fn spans(doc: &Doc<'_>) -> Option<Vec<Span>> {
    let mut found: Vec<(usize, u8, String, String)> = Vec::new();
    for i in doc.body..doc.lines.len() {
        if doc.junk[i] {
            continue;
        }
        if let Some((level, h)) = doc.heading(i) {
            if let Some((t, u)) = paper_heading(h) {
                found.push((i, level, t, u));
            }
        }
    }
    let level = (1..=6u8).max_by_key(|l| {
        (
            found.iter().filter(|f| f.1 == *l).count(),
            std::cmp::Reverse(*l),
        )
    })?;
    found.retain(|f| f.1 == level);
    if found.len() < 2 {
        return None;
    }
    let mut out = Vec::with_capacity(found.len());
    for (i, _, t, u) in found {
        // A record runs to the next heading of its level or higher (the next paper or section).
        let end = (i + 1..doc.lines.len())
            .find(|&j| doc.heading(j).is_some_and(|(l, _)| l <= level))
            .unwrap_or(doc.lines.len());
        out.push(Span {
            start: i,
            end,
            title_lines: vec![i],
            title: t,
            title_url: Some(u),
            layout: "digest",
            ..Span::default()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_headings() {
        let (t, u) = paper_heading("[12] [Let [VOID]  Pad](https://arxiv.org/abs/2605.1)").unwrap();
        assert_eq!(t, "Let [VOID] Pad");
        assert_eq!(u, "https://arxiv.org/abs/2605.1");
        assert!(paper_heading("cs.CV [[Back]](#toc)").is_none());
        assert!(paper_heading("See [this](http://x) for more").is_none());
        assert!(paper_heading("3. [T](http://x)").is_some());
    }
}
