//! CSV per RFC 4180: header row, CRLF line ends, the same column count on every row, and
//! fields quoted (with `"` doubled) when they hold a comma, quote, CR or LF.

use super::ExportOptions;
use crate::index::StoredPaper;
use std::io::{self, Write};

/// Column names, in order.
pub(crate) const COLUMNS: [&str; 11] = [
    "id", "title", "authors", "venue", "year", "track", "topics", "arxiv_id", "url", "code_url",
    "sources",
];

/// Separator for list fields; `;` because `,` is CSV's own and authors often contain `, `.
const LIST_SEP: &str = "; ";

/// The cells of one paper's row, matching [`COLUMNS`].
pub(crate) fn row(p: &StoredPaper) -> [String; 11] {
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    [
        p.id.clone(),
        p.title.clone(),
        p.authors.join(LIST_SEP),
        opt(&p.venue),
        p.year.map(|y| y.to_string()).unwrap_or_default(),
        opt(&p.track),
        p.topics.join(LIST_SEP),
        opt(&p.arxiv_id),
        p.url().unwrap_or_default(),
        opt(&p.code_url),
        p.sources.join(LIST_SEP),
    ]
}

fn write_field(w: &mut dyn Write, field: &str) -> io::Result<()> {
    if field.contains([',', '"', '\r', '\n']) {
        w.write_all(b"\"")?;
        w.write_all(field.replace('"', "\"\"").as_bytes())?;
        w.write_all(b"\"")
    } else {
        w.write_all(field.as_bytes())
    }
}

fn write_record<S: AsRef<str>>(w: &mut dyn Write, fields: &[S]) -> io::Result<()> {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        write_field(w, f.as_ref())?;
    }
    w.write_all(b"\r\n")
}

/// Writes the header and one row per paper.
pub(crate) fn write(
    papers: impl Iterator<Item = StoredPaper>,
    opts: &ExportOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    if opts.bom {
        w.write_all("\u{feff}".as_bytes())?;
    }
    write_record(w, &COLUMNS)?;
    for p in papers {
        write_record(w, &row(&p))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let mut out = Vec::new();
        write_record(&mut out, &["plain", "a,b", "say \"hi\"", "two\nlines", ""]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"
        );
    }
}
