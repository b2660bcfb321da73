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
    let mut starts: Vec<(usize, Option<String>, String)> = Vec::new();
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
        // `Title: X` above `Authors:` names the paper too; any other label line does not.
        let line = match label_line(line) {
            Some((Field::Title, v)) => v,
            Some(_) => continue,
            None => line,
        };
        if line.chars().count() > 300 {
            continue;
        }
        let raw = text::heading(line).map_or(line, |(_, h)| h);
        let raw = title::strip_number(raw).unwrap_or(raw);
        let clean = title::clean(raw);
        if !clean.is_empty() {
            // A linked title line (`[Title](https://arxiv.org/abs/…)`) carries the paper's URL.
            let url = text::urls(raw).into_iter().next();
            starts.push((t, url, clean));
        }
    }
    if starts.len() < 2 {
        return None;
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, (t, url, clean)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(n, |s| s.0);
        out.push(Span {
            start: *t,
            end,
            title_lines: vec![*t],
            title: clean.clone(),
            title_url: url.clone(),
            layout: "plain-digest",
            ..Span::default()
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::parse::parse;
    use std::path::Path;

    #[test]
    fn title_labels_and_numbered_titles() {
        let page = "Title: Sparse Nets\nAuthors: Ann Lee, Bo Wu\nAbstract: We prune.\n\n2. Dense Nets\nAuthors: Cy Li\nWe grow.\n";
        let r = parse(page, Path::new("d.txt"));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].title, "Sparse Nets");
        assert_eq!(r[0].authors, ["Ann Lee", "Bo Wu"]);
        assert_eq!(r[1].title, "Dense Nets");
        assert!(r[1].text.contains("We grow.") && !r[0].text.contains("Dense Nets"));
    }
}
