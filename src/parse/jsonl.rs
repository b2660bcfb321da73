//! JSON Lines pages (`.jsonl`, `.ndjson`, or text whose lines are JSON objects) and `.json`
//! arrays of objects: one record per object.
//!
//! Keys are read through the same label table as labelled lines (`index-schema/labels.toml`):
//! `title`, `authors`, `pdf`, `categories`, `comment`, `published`… map to fields, URL values of
//! other keys are links, an `id` that is an arXiv id is one, and text values (`summary`,
//! nested `AI.tldr`…) become paragraphs of the record's text as `Key: value`, the way digest
//! pages render the same fields, so a paper seen in both merges without doubled passages.

use super::doc::Doc;
use super::fields::Fields;
use super::record::{self, Span};
use super::{authors, text, Sighting};
use crate::meta::labels::{self, Field};
use serde_json::{Map, Value};
use std::path::Path;

/// The records of a JSON Lines (or JSON array) page, or `None` when `text` is not one: then the
/// page is parsed as text. Lines that are not JSON objects are skipped; a page where fewer than
/// half of the non-blank lines are objects is not JSON Lines.
pub fn records(text: &str, path: &Path) -> Option<Vec<Sighting>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let by_name = matches!(ext.as_deref(), Some("jsonl" | "ndjson" | "jsonlines"));
    if ext.as_deref() == Some("json") {
        return json_array(body, path);
    }
    let first = body.lines().map(str::trim).find(|l| !l.is_empty())?;
    if !(by_name || first.starts_with('{') && first.ends_with('}')) {
        return None;
    }
    let doc = Doc::new("", path);
    let mut out = Vec::new();
    let mut lines = 0usize;
    for (i, line) in body.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        lines += 1;
        if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(line) {
            if let Some(s) = record_of(&doc, &obj, i) {
                out.push(s);
            }
        }
    }
    (!out.is_empty() && out.len() * 2 >= lines).then_some(out)
}

/// A `.json` file holding an array of paper objects (or one object).
fn json_array(body: &str, path: &Path) -> Option<Vec<Sighting>> {
    let doc = Doc::new("", path);
    let objs: Vec<Map<String, Value>> = match serde_json::from_str::<Value>(body).ok()? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(o) => Some(o),
                _ => None,
            })
            .collect(),
        Value::Object(o) => vec![o],
        _ => return None,
    };
    let out: Vec<Sighting> = objs.iter().filter_map(|o| record_of(&doc, o, 0)).collect();
    (!out.is_empty()).then_some(out)
}

/// Collects what one object states: fields, links and paragraphs of text.
#[derive(Default)]
struct Reader {
    fields: Fields,
    /// Paragraphs with their place: 0 summaries and notes, 1 the abstract, 2 comments (a digest
    /// shows a paper's summary before its abstract).
    paras: Vec<(u8, String)>,
    year: Option<u16>,
}

impl Reader {
    fn object(&mut self, obj: &Map<String, Value>) {
        for (key, value) in obj {
            self.entry(key, value);
        }
    }

    fn entry(&mut self, key: &str, value: &Value) {
        let field = labels::field_of(key);
        match value {
            Value::Object(inner) => self.object(inner),
            Value::Array(items) => {
                let strings: Vec<String> = items.iter().filter_map(name_of).collect();
                match field {
                    Some(Field::Authors) if self.fields.authors.is_empty() => {
                        self.fields.authors =
                            strings.iter().flat_map(|n| authors::split(n)).collect();
                    }
                    Some(f) if !strings.is_empty() => {
                        self.take(key, f, &strings.join(", "));
                    }
                    _ => {}
                }
            }
            Value::Number(n) if labels::label_key(key) == "year" => {
                self.year = n.as_u64().and_then(|y| u16::try_from(y).ok());
            }
            Value::String(s) => {
                let s = s.trim();
                if s.is_empty() {
                    return;
                }
                match field {
                    Some(f) => self.take(key, f, s),
                    None => self.unlabelled(key, s),
                }
            }
            _ => {}
        }
    }

    fn take(&mut self, key: &str, field: Field, value: &str) {
        if !self.fields.take(field, value) {
            let place = match (field, display_label(key).as_str()) {
                (Field::Abstract, "Abstract") => 1,
                (Field::Abstract, _) => 0,
                _ => 2,
            };
            self.para(key, value, place);
        }
    }

    /// A value under a key the label table does not know: an arXiv id, a link, a year, or prose.
    fn unlabelled(&mut self, key: &str, value: &str) {
        let k = labels::label_key(key);
        let one_token = !value.contains(char::is_whitespace);
        if one_token && matches!(k.as_str(), "id" | "entryid" | "eprint" | "arxiv") {
            if self.fields.arxiv.is_none() {
                self.fields.arxiv =
                    text::arxiv_id(value).or_else(|| strict_arxiv_id(value).map(str::to_string));
            }
        } else if one_token && value.starts_with("http") {
            self.fields.take(Field::Project, value);
        } else if k == "year" {
            self.year = value.parse().ok();
        } else if !one_token || value.chars().any(text::is_cjk) {
            // Prose; single ASCII tokens under unknown keys are ids, hashes and flags.
            self.para(key, value, 0);
        }
    }

    fn para(&mut self, key: &str, value: &str, place: u8) {
        let body: Vec<String> = value
            .lines()
            .map(|l| text::plain(l.trim()))
            .filter(|l| !l.is_empty())
            .collect();
        if body.is_empty() {
            return;
        }
        self.paras.push((
            place,
            format!("{}: {}", display_label(key), body.join("\n")),
        ));
    }
}

/// `2205.01234`, `2205.01234v2`, `hep-th/9901001`: the whole value is the id (a bare number under
/// `id` is not taken for one unless it has the new-style shape).
fn strict_arxiv_id(v: &str) -> Option<&str> {
    let v = v.split_once('v').map_or(v, |(id, ver)| {
        if ver.bytes().all(|b| b.is_ascii_digit()) {
            id
        } else {
            v
        }
    });
    let new_style = v.len() >= 9
        && v.as_bytes()[4] == b'.'
        && v[..4].bytes().all(|b| b.is_ascii_digit())
        && v[5..].bytes().all(|b| b.is_ascii_digit())
        && (4..=5).contains(&v[5..].len());
    let old_style = v.split_once('/').is_some_and(|(a, n)| {
        !a.is_empty()
            && a.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'.')
            && n.len() == 7
            && n.bytes().all(|b| b.is_ascii_digit())
    });
    (new_style || old_style).then_some(v)
}

/// A name from an array item: a string, or an object's `name` (or CSL `given` + `family`).
fn name_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Object(o) => {
            let get = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim);
            get("name").map(str::to_string).or_else(|| {
                let family = get("family")?;
                Some(match get("given") {
                    Some(g) if !g.is_empty() => format!("{g} {family}"),
                    _ => family.to_string(),
                })
            })
        }
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `tldr` → `TL;DR`, `summary` → `Abstract`, `related_work` → `Related work`.
fn display_label(key: &str) -> String {
    match labels::label_key(key).as_str() {
        "tldr" => "TL;DR".into(),
        "summary" | "abstract" => "Abstract".into(),
        _ => {
            let k = key.replace(['_', '-'], " ");
            let mut c = k.trim().chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// One object → one sighting, or `None` for an object without a title or text.
fn record_of(doc: &Doc<'_>, obj: &Map<String, Value>, line: usize) -> Option<Sighting> {
    let mut r = Reader::default();
    r.object(obj);
    if r.fields.title.is_none() && r.paras.is_empty() {
        return None;
    }
    // The page a title would link to: an abstract page before the PDF.
    let title_url = r
        .fields
        .urls
        .iter()
        .find(|u| u.contains("/abs/"))
        .or_else(|| {
            r.fields
                .urls
                .iter()
                .find(|u| Some(*u) != r.fields.pdf.as_ref())
        })
        .or(r.fields.urls.first())
        .cloned();
    let span = Span {
        start: line,
        end: line + 1,
        title: r.fields.title.clone().unwrap_or_default(),
        title_url,
        layout: "jsonl",
        ..Default::default()
    };
    r.paras.sort_by_key(|(place, _)| *place);
    let body: Vec<String> = r.paras.into_iter().map(|(_, p)| p).collect();
    let mut s = record::finish(doc, &span, r.fields, body.join("\n\n"));
    if s.year.is_none() || s.venue.is_none() {
        s.year = r.year.or(s.year);
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAILY: &str = r#"{"id": "2605.30955", "categories": ["cs.CE", "math.NA"], "pdf": "https://arxiv.org/pdf/2605.30955", "abs": "https://arxiv.org/abs/2605.30955", "authors": ["Peter F\u00f6rster", "Idoia Cortes Garcia"], "title": "A non-intrusive approach to index-aware learning", "comment": "9 pages, 7 figures", "summary": "We present a non-intrusive version of the framework.", "AI": {"tldr": "本文提出了非侵入式版本。", "method": "利用DAE解耦。"}}
{"id": "2605.31032", "categories": ["cs.CE"], "authors": ["Timon Seibel"], "title": "Hybrid Mixed Domain Decomposition", "comment": "Accepted at ICML 2026 (Oral)", "summary": "We study machines."}
"#;

    #[test]
    fn each_line_is_a_paper_with_its_fields() {
        let r = records(
            DAILY,
            Path::new("jsonl/2026-06-01_AI_enhanced_Chinese.jsonl"),
        )
        .expect("JSON Lines");
        assert_eq!(r.len(), 2);
        let a = &r[0];
        assert_eq!(a.title, "A non-intrusive approach to index-aware learning");
        assert_eq!(a.authors, ["Peter Förster", "Idoia Cortes Garcia"]);
        assert_eq!(a.arxiv_id.as_deref(), Some("2605.30955"));
        assert_eq!(a.category.as_deref(), Some("cs.CE"));
        assert_eq!(
            a.pdf_url.as_deref(),
            Some("https://arxiv.org/pdf/2605.30955")
        );
        assert_eq!(a.urls[0], "https://arxiv.org/abs/2605.30955");
        assert_eq!(a.date.as_deref(), Some("2026-06-01"));
        assert_eq!((a.venue.as_deref(), a.year), (None, Some(2026)));
        assert_eq!(a.line, 1);
        assert_eq!(
            a.text,
            "TL;DR: 本文提出了非侵入式版本。\n\nMethod: 利用DAE解耦。\n\nAbstract: We present a non-intrusive version of the framework.\n\nComment: 9 pages, 7 figures"
        );
        let b = &r[1];
        assert_eq!(b.line, 2);
        assert_eq!(
            (b.venue.as_deref(), b.year, b.track.as_deref()),
            (Some("ICML"), Some(2026), Some("oral"))
        );
        assert!(!b.text.contains("Accepted"), "{}", b.text);
    }

    #[test]
    fn text_lines_of_objects_are_json_lines_even_without_the_extension() {
        let r = records(DAILY, Path::new("dump.txt")).expect("sniffed");
        assert_eq!(r.len(), 2);
        // A markdown page, or a page with one stray JSON line, is not.
        assert!(records("# Title\n\n{\"a\": 1}\n", Path::new("a.md")).is_none());
        let mostly_text = "{\"title\": \"X\"}\nplain\nmore plain\n";
        assert!(records(mostly_text, Path::new("a.txt")).is_none());
        // Broken lines are skipped, the rest kept.
        let one_bad = format!("{DAILY}{{\"title\": \"cut off");
        assert_eq!(
            records(&one_bad, Path::new("a.jsonl")).map(|r| r.len()),
            Some(2)
        );
    }

    #[test]
    fn json_arrays_csl_names_and_odd_values() {
        let page = r#"[{"title": "Deep Nets", "author": [{"family": "Hinton", "given": "Geoffrey"}], "year": 2012, "abstract": "Nets are deep."},
                       {"title": "", "id": 42}, 7, {"title": "Only Title", "id": "12345"}]"#;
        let r = records(page, Path::new("papers.json")).expect("array");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].authors, ["Geoffrey Hinton"]);
        assert_eq!(r[0].year, Some(2012));
        assert_eq!(r[0].text, "Abstract: Nets are deep.");
        // A plain number under `id` is not an arXiv id.
        assert_eq!(r[1].arxiv_id, None);
        assert!(records("not json", Path::new("a.json")).is_none());
        assert_eq!(strict_arxiv_id("hep-th/9901001"), Some("hep-th/9901001"));
        assert_eq!(strict_arxiv_id("2205.01234v3"), Some("2205.01234"));
    }
}
