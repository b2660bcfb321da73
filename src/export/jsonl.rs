//! JSON Lines: one object per paper per line, every stored field plus the full text.
//!
//! Keys are always present (absent values are `null`, lists may be empty) so that tools like
//! `jq` and pandas see one shape; `schema_version` tells which index schema produced them.

use crate::index::schema::SPEC;
use crate::index::StoredPaper;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The JSON object for one paper.
pub(crate) fn object(p: &StoredPaper, schema_version: u32) -> Value {
    json!({
        "schema_version": schema_version,
        "id": p.id,
        "title": p.title,
        "authors": p.authors,
        "venue": p.venue,
        "track": p.track,
        "year": p.year,
        "topics": p.topics,
        "arxiv_id": p.arxiv_id,
        "keywords": p.keywords,
        "url": p.url(),
        "urls": p.urls,
        "code_url": p.code_url,
        "date": p.date,
        "lang": p.lang,
        "sources": p.sources,
        "text": clean_text(&p.text),
    })
}

/// The text with line ends unified to `\n` and control characters other than tab and
/// newline removed: they mean nothing in a summary and trip up line-oriented tools.
pub(crate) fn clean_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// Writes one line per paper.
pub(crate) fn write(
    papers: impl Iterator<Item = StoredPaper>,
    w: &mut dyn Write,
) -> io::Result<()> {
    let version = SPEC.version;
    for p in papers {
        // Compact serde_json output escapes newlines, so each object stays on one line.
        let mut line = serde_json::to_vec(&object(&p, version))?;
        line.push(b'\n');
        w.write_all(&line)?;
    }
    Ok(())
}
