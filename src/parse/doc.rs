//! A page read once: its lines, front matter, code fences, junk marks and page-level context
//! (title, venue, date, URL, folder labels) that every record on it may inherit.

use super::fields::{label_line, Fields};
use super::frontmatter::{self, FrontMatter, Value};
use super::{junk, text, title};
use crate::meta::labels::Field;
use crate::meta::venue::{self, Mention};
use std::path::Path;

/// What the page says about all its records.
#[derive(Debug, Default, Clone)]
pub struct Page {
    /// Front matter title, cleaned.
    pub fm_title: Option<String>,
    /// First level-1 heading (not junk), cleaned.
    pub h1: Option<(usize, String)>,
    /// Venue named by the page (front matter, title, tags, folder path, URL).
    pub venue: Option<Mention>,
    /// Page date.
    pub date: Option<String>,
    /// Page URL.
    pub url: Option<String>,
    /// Folder names of the path, used as topic labels.
    pub folders: Vec<String>,
    /// Metadata the front matter states in label form (authors, arXiv, code, tags…).
    pub fields: Fields,
    /// Front matter tags/keywords.
    pub tags: Vec<String>,
}

/// A decoded page, split into lines with per-line marks.
pub struct Doc<'a> {
    /// The file path relative to the indexed root.
    pub path: &'a Path,
    /// Lines without their terminators.
    pub lines: Vec<&'a str>,
    /// Index of the first line after the front matter.
    pub body: usize,
    /// Front matter.
    pub fm: FrontMatter,
    /// Lines inside fenced code blocks (and the fences).
    pub code: Vec<bool>,
    /// Lines that are site furniture.
    pub junk: Vec<bool>,
    /// Page context.
    pub page: Page,
}

fn code_marks(lines: &[&str]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut fence: Option<&str> = None;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let opener = if t.starts_with("```") {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (fence, opener) {
            (None, Some(f)) => {
                fence = Some(f);
                out[i] = true;
            }
            (Some(f), Some(o)) if f == o => {
                fence = None;
                out[i] = true;
            }
            (Some(_), _) => out[i] = true,
            _ => {}
        }
    }
    out
}

fn fm_str(fm: &FrontMatter, keys: &[&str]) -> Option<String> {
    fm.get(keys)
        .map(Value::joined)
        .filter(|s| !s.trim().is_empty())
}

impl<'a> Doc<'a> {
    /// Reads a page.
    pub fn new(text: &'a str, path: &'a Path) -> Doc<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let (fm, body) = frontmatter::parse(&lines);
        let code = code_marks(&lines);
        let junk = junk::mark(&lines, body, &code);
        let mut doc = Doc {
            path,
            lines,
            body,
            fm,
            code,
            junk,
            page: Page::default(),
        };
        doc.page = doc.page_context();
        doc
    }

    /// Whether line `i` is a heading outside code; its level and text.
    pub fn heading(&self, i: usize) -> Option<(u8, &'a str)> {
        if self.code.get(i).copied().unwrap_or(true) {
            return None;
        }
        text::heading(self.lines.get(i)?)
    }

    fn page_context(&self) -> Page {
        let fm = &self.fm;
        let mut p = Page::default();
        let mut fields = Fields::default();
        // Front matter keys that are labels (`authors`, `arxiv`, `code`, `tags`…) read like lines.
        for (k, v) in &fm.entries {
            if let Some(f) = crate::meta::labels::field_of(k) {
                if !matches!(
                    f,
                    Field::Title | Field::Venue | Field::Date | Field::Keywords
                ) {
                    fields.take(f, &v.joined());
                }
            }
        }
        p.tags = ["tags", "keywords", "keyword", "categories"]
            .iter()
            .filter_map(|k| fm.get(&[k]))
            .flat_map(Value::items)
            .collect();
        p.fm_title = fm_str(fm, &["title"])
            .map(|t| title::clean(&t))
            .filter(|t| !t.is_empty());
        p.h1 = (self.body..self.lines.len()).find_map(|i| match self.heading(i) {
            Some((1, h)) if !self.junk[i] => {
                let t = title::clean(h);
                (!t.is_empty()).then_some((i, t))
            }
            _ => None,
        });
        p.date = fm_str(fm, &["date", "published", "created", "updated"])
            .and_then(|d| crate::meta::date::find_date(&d))
            .or_else(|| crate::meta::date::find_date(&self.path.to_string_lossy()));
        p.url = fm_str(
            fm,
            &[
                "url",
                "source",
                "link",
                "canonical",
                "original",
                "source_url",
                "permalink",
            ],
        )
        .and_then(|u| text::urls(&u).into_iter().next())
        .or_else(|| fields.page_url.clone());
        let comps: Vec<String> = self.path.iter().map(text::name_text).collect();
        p.folders = comps
            .iter()
            .take(comps.len().saturating_sub(1))
            .cloned()
            .collect();
        let raw_title = fm_str(fm, &["title"]);
        p.venue = fm_str(
            fm,
            &["venue", "conference", "会议", "journal", "publication"],
        )
        .and_then(|v| venue::find_in_labelled(&v))
        .or_else(|| raw_title.as_deref().and_then(venue::find_in))
        .or_else(|| {
            p.h1.as_ref()
                .and_then(|(i, _)| venue::find_in(self.lines[*i]))
        })
        .or_else(|| p.tags.iter().find_map(|t| venue::find_in(t)))
        .or_else(|| self.first_line().and_then(venue::find_in))
        .or_else(|| fm_str(fm, &["description", "summary"]).and_then(|d| venue::find_in(&d)))
        .or_else(|| comps.iter().find_map(|c| venue::find_in(c)))
        .or_else(|| p.url.as_deref().and_then(venue::from_url));
        p.fields = fields;
        p
    }

    /// The page's first text line, when it has no front matter title: plain-text pages put
    /// their title (`ECCV 2022 论文合集`) there.
    fn first_line(&self) -> Option<&'a str> {
        if self.fm.get(&["title"]).is_some() {
            return None;
        }
        (self.body..self.lines.len())
            .find(|&i| !self.junk[i] && !self.code[i] && !self.lines[i].trim().is_empty())
            .map(|i| self.lines[i])
            .filter(|l| l.chars().count() <= 120)
    }

    /// Whether line `i` is a labelled line of the given field (outside code and junk).
    pub fn is_label(&self, i: usize, f: Field) -> bool {
        !self.code[i] && !self.junk[i] && label_line(self.lines[i]).is_some_and(|(g, _)| g == f)
    }
}
