//! The record builder shared by all layouts: a span of lines → a [`Sighting`].

use super::doc::Doc;
use super::fields::{label_line, metadata_table, Fields};
use super::{text, Sighting};
use crate::meta::{date, topic, venue::Mention};

/// A record's extent on a page and what its layout already knows.
#[derive(Debug, Clone, Default)]
pub struct Span {
    /// First line (0-based) of the record.
    pub start: usize,
    /// One past the last line.
    pub end: usize,
    /// Lines holding the title (left out of the text).
    pub title_lines: Vec<usize>,
    /// Title found by the layout.
    pub title: String,
    /// Whether a labelled `Title:` line inside the record beats `title`.
    pub label_title_wins: bool,
    /// URL the title links to.
    pub title_url: Option<String>,
    /// Track tagged on the title (`（Oral）`).
    pub title_track: Option<&'static str>,
    /// Whether the record owns the page's front matter metadata (single-record pages).
    pub whole_page: bool,
    /// Layout name, for `inspect`.
    pub layout: &'static str,
}

fn is_italic_line(t: &str) -> bool {
    let t = t.trim();
    t.len() > 2
        && ((t.starts_with('*') && !t.starts_with("**") && t.ends_with('*'))
            || (t.starts_with('_') && !t.starts_with("__") && t.ends_with('_')))
}

/// Paragraph accumulator: lines joined by `\n`, paragraphs by a blank line.
#[derive(Default)]
struct Paras {
    out: String,
    cur: String,
}

impl Paras {
    fn line(&mut self, l: &str) {
        let l = l.trim();
        if l.is_empty() {
            self.flush();
            return;
        }
        if !self.cur.is_empty() {
            self.cur.push('\n');
        }
        self.cur.push_str(l);
    }

    fn flush(&mut self) {
        if self.cur.trim().is_empty() {
            self.cur.clear();
            return;
        }
        if !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
        self.out.push_str(&self.cur);
        self.cur.clear();
    }

    fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// Builds the sighting for one span of a page.
pub fn build(doc: &Doc<'_>, span: &Span) -> Sighting {
    let mut f = Fields::default();
    let mut paras = Paras::default();
    let mut seen_content = false;
    let end = span.end.min(doc.lines.len());
    let mut i = span.start.min(end);
    while i < end {
        let line = doc.lines[i];
        if span.title_lines.contains(&i) || doc.junk[i] {
            i += 1;
            continue;
        }
        if doc.code[i] {
            paras.line(line);
            i += 1;
            continue;
        }
        let t = line.trim();
        if t.is_empty() {
            paras.flush();
            i += 1;
            continue;
        }
        // Digest layouts put the author list in italics right under a paper's title (on a
        // single-paper page an italic first line is more often a remark).
        if !seen_content && !span.whole_page && f.authors.is_empty() && is_italic_line(t) {
            f.authors = super::authors::split(t);
            seen_content = true;
            i += 1;
            continue;
        }
        seen_content = true;
        // Only a table's first row can head a metadata table; later rows are data.
        let table_start = i == 0 || !doc.lines[i - 1].trim_start().starts_with('|');
        if table_start && t.starts_with('|') {
            let k = metadata_table(&doc.lines[i..end], &mut f);
            if k > 0 {
                i += k;
                continue;
            }
        }
        // A bare label with nothing after it (`PDF`, `Abstract`) is a stub of a link or a
        // section name; it says nothing about the paper.
        if t.chars().count() <= 16
            && crate::meta::labels::field_of(t.trim_end_matches([':', '：'])).is_some()
        {
            i += 1;
            continue;
        }
        if let Some((field, value)) = label_line(t) {
            if f.take(field, value) {
                i += 1;
                continue;
            }
        }
        // A short cue line (`PDF Accepted (Poster) at ICML 2025`) is metadata; a long one is
        // prose that happens to name the venue, and stays in the text.
        if f.cue(t) && t.chars().count() <= 80 {
            i += 1;
            continue;
        }
        match text::heading(t) {
            Some((_, h)) => {
                paras.flush();
                paras.line(&text::plain(h));
                paras.flush();
            }
            // Blockquote markers are layout, not text.
            None => paras.line(&text::plain(t.trim_start_matches(['>', ' ']))),
        }
        i += 1;
    }
    let body = paras.finish();
    finish(doc, span, f, body)
}

/// Resolves a record's metadata (venue, year, topics, links) from what it states, its span and
/// its page; `body` is its text.
pub(crate) fn finish(doc: &Doc<'_>, span: &Span, mut f: Fields, body: String) -> Sighting {
    let page = &doc.page;
    if span.whole_page {
        // Front matter metadata belongs to the page's only record; stated lines win.
        let pf = page.fields.clone();
        if f.authors.is_empty() {
            f.authors = pf.authors;
        }
        f.arxiv = f.arxiv.or(pf.arxiv);
        f.code = f.code.or(pf.code);
        f.pdf = f.pdf.or(pf.pdf);
        f.category = f.category.or(pf.category);
        for u in pf.urls {
            if !f.urls.contains(&u) {
                f.urls.push(u);
            }
        }
        for k in &page.tags {
            if !f.keywords.contains(k) && crate::meta::venue::find_in(k).is_none() {
                f.keywords.push(k.clone());
            }
        }
    }
    let title = match (&f.title, span.label_title_wins || span.title.is_empty()) {
        (Some(t), true) => t.clone(),
        _ => span.title.clone(),
    };
    let title = if title.is_empty() {
        doc.path
            .file_stem()
            .map(super::text::name_text)
            .unwrap_or_default()
    } else {
        title
    };
    let title_url_venue = span
        .title_url
        .as_deref()
        .and_then(crate::meta::venue::from_url);
    let own: Option<Mention> = f.venue.clone();
    let chosen = own
        .clone()
        .or(f.url_venue.clone())
        .or(title_url_venue)
        .or(page.venue.clone());
    let venue = chosen.as_ref().map(|m| m.venue.to_string());
    let mut year = chosen.as_ref().and_then(|m| m.year);
    if year.is_none() {
        // `会议: CVPR` on a page titled `CVPR 2023 …`: the page's year belongs to the same venue.
        if let (Some(c), Some(p)) = (&chosen, &page.venue) {
            if c.venue == p.venue {
                year = p.year;
            }
        }
    }
    let track = own
        .as_ref()
        .and_then(|m| m.track)
        .or(f.track)
        .or(span.title_track)
        .or_else(|| chosen.as_ref().and_then(|m| m.track));
    let arxiv_id = f
        .arxiv
        .clone()
        .or_else(|| span.title_url.as_deref().and_then(text::arxiv_id));
    let date = f.date.clone().or_else(|| page.date.clone());
    let year = year
        .or_else(|| date.as_deref().and_then(date::year_of_date))
        .or_else(|| arxiv_id.as_deref().and_then(date::year_of_arxiv));
    let mut urls: Vec<String> = span.title_url.iter().cloned().collect();
    for u in &f.urls {
        if !urls.contains(u) {
            urls.push(u.clone());
        }
    }
    // Topics: folder names, 领域 labels and the arXiv category are labels; title and stated
    // keywords are strong text; the body only fills up to three, with repeated hits.
    let mut labels: Vec<&str> = page.folders.iter().map(String::as_str).collect();
    labels.extend(f.field_labels.iter().map(String::as_str));
    labels.extend(f.category.as_deref());
    let mut strong = title.clone();
    for k in &f.keywords {
        strong.push_str(" ; ");
        strong.push_str(k);
    }
    let mut topics = topic::classify(&strong, &labels);
    if topics.len() < 3 {
        let more = topic::classify_body(&body, &topics, 3 - topics.len(), 3);
        topics.extend(more);
    }
    Sighting {
        title,
        authors: f.authors,
        venue,
        track: track.map(str::to_string),
        year,
        topics,
        arxiv_id,
        urls,
        code_url: f.code,
        page_url: page.url.clone().or(f.page_url),
        date,
        keywords: f.keywords,
        text: body,
        line: u32::try_from(span.start + 1).unwrap_or(u32::MAX),
        pdf_url: f.pdf,
        category: f.category,
        layout: span.layout.to_string(),
    }
}
