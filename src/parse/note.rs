//! One record per page: single-paper notes (front matter, H1, labelled lines), scraped articles
//! about one paper (`论文解读--------Title`), and anything else, titled as well as the page allows.

use super::doc::Doc;
use super::record::Span;
use super::{text, title};

/// The first line that reads like a title: not junk, not a label, not too long.
fn first_title_line(doc: &Doc<'_>) -> Option<(usize, String)> {
    (doc.body..doc.lines.len()).take(60).find_map(|i| {
        let t = doc.lines[i].trim();
        if t.is_empty()
            || doc.junk[i]
            || doc.code[i]
            || t.starts_with('|')
            || super::fields::label_line(t).is_some()
        {
            return None;
        }
        let h = text::heading(t).map_or(t, |(_, h)| h);
        let c = title::clean(h);
        (!c.is_empty() && c.chars().count() <= 150).then_some((i, c))
    })
}

/// The span covering the whole page, with the best title found: H1, front matter title, first
/// heading or title-like line, file name.
pub fn span(doc: &Doc<'_>) -> Span {
    let page = &doc.page;
    let (title_line, title) = if let Some((i, h)) = &page.h1 {
        (Some(*i), h.clone())
    } else if let Some(t) = &page.fm_title {
        (None, t.clone())
    } else if let Some((i, t)) = first_title_line(doc) {
        (Some(i), t)
    } else {
        (None, String::new())
    };
    let layout = if !doc.fm.entries.is_empty() {
        "note"
    } else {
        "single"
    };
    Span {
        // A page that is all front matter (no newline after the closing fence) has no body line:
        // the record starts on the last line, not past it.
        start: doc.body.min(doc.lines.len().saturating_sub(1)),
        end: doc.lines.len(),
        title_lines: title_line.into_iter().collect(),
        title,
        label_title_wins: false,
        title_url: None,
        title_track: None,
        whole_page: true,
        layout,
    }
}
