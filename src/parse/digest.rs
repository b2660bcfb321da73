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

/// Whether the first non-empty line after `i` lists authors (italic line or `Authors:` label).
fn authors_follow(doc: &Doc<'_>, i: usize) -> bool {
    let Some(j) = (i + 1..doc.lines.len())
        .take(3)
        .find(|&j| !doc.lines[j].trim().is_empty())
    else {
        return false;
    };
    let t = doc.lines[j].trim();
    let italic = (t.starts_with('*') && !t.starts_with("**") || t.starts_with('_')) && t.len() > 2;
    italic || doc.is_label(j, crate::meta::labels::Field::Authors)
}

/// Record spans when at least two headings of one level are paper links. Lines that are only a
/// paper link (`**[Title](url)**`, `- [Title](url)`) count as level 7 when authors follow them.
pub fn spans(doc: &Doc<'_>) -> Option<Vec<Span>> {
    let mut found: Vec<(usize, u8, String, String)> = Vec::new();
    for i in doc.body..doc.lines.len() {
        if doc.junk[i] || doc.code[i] {
            continue;
        }
        if let Some((level, h)) = doc.heading(i) {
            if let Some((t, u)) = paper_heading(h) {
                found.push((i, level, t, u));
            }
        } else if doc.lines[i].contains("](") {
            let t = text::strip_list_marker(doc.lines[i]).trim();
            let t = t
                .strip_prefix("**")
                .and_then(|r| r.strip_suffix("**"))
                .unwrap_or(t);
            if let Some((title, u)) = paper_heading(t) {
                if authors_follow(doc, i) {
                    found.push((i, 7, title, u));
                }
            }
        }
    }
    let level = (1..=7u8).max_by_key(|l| {
        (
            found.iter().filter(|f| f.1 == *l).count(),
            std::cmp::Reverse(*l),
        )
    })?;
    found.retain(|f| f.1 == level);
    if found.len() < 2 {
        return None;
    }
    // Headings at this level or above close a record (the next paper or section); link lines
    // (level 7) are closed by the next one or by a top-level section heading.
    let closing = if level == 7 { 2 } else { level };
    let n = doc.lines.len();
    let starts: Vec<usize> = found.iter().map(|f| f.0).collect();
    let mut out = Vec::with_capacity(found.len());
    for (k, (i, _, t, u)) in found.into_iter().enumerate() {
        let next = starts.get(k + 1).copied().unwrap_or(n);
        let end = (i + 1..next)
            .find(|&j| doc.heading(j).is_some_and(|(l, _)| l <= closing))
            .unwrap_or(next);
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

    #[test]
    fn link_lines_followed_by_authors() {
        let page = "# Weekly picks\n\n**[Sparse Nets](https://arxiv.org/abs/2401.00001)**\n*Ann Lee, Bo Wu*\nWe prune.\n\n- [Dense Nets](https://arxiv.org/abs/2401.00002v2)\nAuthors: Cy Li\nWe grow.\n";
        let r = crate::parse::parse(page, std::path::Path::new("w.md"));
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].title.as_str(), r[0].arxiv_id.as_deref()),
            ("Sparse Nets", Some("2401.00001"))
        );
        assert_eq!(r[0].authors, ["Ann Lee", "Bo Wu"]);
        assert_eq!(
            (r[1].title.as_str(), r[1].arxiv_id.as_deref()),
            ("Dense Nets", Some("2401.00002"))
        );
        assert_eq!(r[1].authors, ["Cy Li"]);
        assert!(r[1].text.contains("We grow.") && !r[0].text.contains("We grow."));
    }
}
