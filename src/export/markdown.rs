//! A Markdown (GitHub-flavoured) table: linked title, authors, venue, year.

use super::names::display;
use crate::index::StoredPaper;
use std::io::{self, Write};

/// Authors listed before `et al.`.
const MAX_AUTHORS: usize = 3;

/// Escapes text for a table cell: `|` would end the cell, a line break the row, and
/// Markdown punctuation would turn titles like `A_b*c` into emphasis or links.
pub(crate) fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.split_whitespace().collect::<Vec<_>>().join(" ").chars() {
        if matches!(
            c,
            '\\' | '|' | '[' | ']' | '*' | '_' | '`' | '<' | '>' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL usable inside `(…)` of a link: characters that would end it are percent-encoded.
fn link_target(u: &str) -> String {
    let mut out = String::with_capacity(u.len());
    for c in u.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '|' => out.push_str("%7C"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// `A, B, C et al.` for more than [`MAX_AUTHORS`] authors.
fn authors(list: &[String]) -> String {
    let shown: Vec<&str> = list
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    // Reading order, because `Müller, Hans` inside a comma-separated list reads as two people.
    let mut s = shown
        .iter()
        .take(MAX_AUTHORS)
        .map(|a| display(a))
        .collect::<Vec<_>>()
        .join(", ");
    if shown.len() > MAX_AUTHORS {
        s.push_str(" et al.");
    }
    cell(&s)
}

/// The table row for one paper.
pub(crate) fn row(p: &StoredPaper) -> String {
    // An empty title would make an invisible link; the id at least names the paper.
    let title = cell(if p.title.trim().is_empty() {
        &p.id
    } else {
        &p.title
    });
    let title = match p.url() {
        Some(u) if !u.trim().is_empty() => format!("[{title}]({})", link_target(&u)),
        _ => title,
    };
    let venue = match (&p.venue, &p.arxiv_id) {
        (Some(v), _) => cell(v),
        (None, Some(_)) => "arXiv".to_string(),
        (None, None) => String::new(),
    };
    let year = p.year.map(|y| y.to_string()).unwrap_or_default();
    format!("| {title} | {} | {venue} | {year} |\n", authors(&p.authors))
}

/// Writes the header and one row per paper.
pub(crate) fn write(
    papers: impl Iterator<Item = StoredPaper>,
    w: &mut dyn Write,
) -> io::Result<()> {
    w.write_all(b"| Title | Authors | Venue | Year |\n| --- | --- | --- | ---: |\n")?;
    for p in papers {
        w.write_all(row(&p).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows() {
        let p = StoredPaper {
            title: "A | B\nC_d".into(),
            authors: vec!["A".into(), "B".into(), "C".into(), "D".into()],
            arxiv_id: Some("2301.00001".into()),
            year: Some(2023),
            ..Default::default()
        };
        assert_eq!(
            row(&p),
            "| [A \\| B C\\_d](https://arxiv.org/abs/2301.00001) | A, B, C et al. | arXiv | 2023 |\n"
        );
    }
}
