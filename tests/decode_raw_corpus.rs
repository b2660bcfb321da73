//! Raw legacy encodings at corpus scale (issue 3, item 1): shared notes saved as GBK, and in
//! traditional characters as Big5, whole and cut short, come back as the same text with the
//! encoding named in the report. Skips with a message when `../shared/corpus` is absent.

mod common;
use common::{note_files, shared_corpus};
use encoding_rs::{Encoding, BIG5, GBK};
use papersift::decode::decode;
use std::collections::HashMap;

/// Notes per encoding (evenly spread over the sorted list).
const NOTES: usize = 150;
/// Length of the short copies (cut back to a line end): a snippet saved on its own.
const SHORT: usize = 400;

/// Simplified → traditional, the first traditional form of each simplified character in the
/// shipped t2s table (enough to turn a note into text a Big5 page would hold).
fn s2t() -> HashMap<char, char> {
    let table = std::fs::read_to_string(common::repo().join("index-schema/t2s.txt"))
        .expect("index-schema/t2s.txt is in the repository");
    let mut m = HashMap::new();
    for line in table.lines() {
        let mut it = line.split_whitespace();
        let (Some(t), Some(s)) = (it.next(), it.next()) else {
            continue;
        };
        let (mut t, mut s) = (t.chars(), s.chars());
        if let (Some(t), None, Some(s), None) = (t.next(), t.next(), s.next(), s.next()) {
            m.entry(s).or_insert(t);
        }
    }
    m
}

/// `text` cut to at most `n` bytes, back to the last line end.
fn short(text: &str, n: usize) -> &str {
    if text.len() <= n {
        return text;
    }
    let mut end = n;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind('\n') {
        Some(p) if p > 0 => &text[..=p],
        _ => &text[..end],
    }
}

/// Decodes `text` saved as `enc`; returns a description of what went wrong, if anything.
fn check(text: &str, enc: &'static Encoding) -> Option<String> {
    // Unmappable characters become numeric references, which the decode stage turns back.
    let (bytes, _, _) = enc.encode(text);
    let d = decode(&bytes);
    if d.report.raw.encoding != enc.name() {
        return Some(format!("read as {}", d.report.raw.encoding));
    }
    (d.text != text).then(|| "text differs".to_string())
}

#[test]
fn legacy_encodings_of_the_notes_decode_to_their_text() {
    let Some(corpus) = shared_corpus() else {
        return;
    };
    let files = note_files(&corpus.join("paper-notes"));
    assert!(files.len() > NOTES, "paper-notes has too few notes");
    let to_trad = s2t();
    let notes: Vec<String> = files
        .iter()
        .step_by(files.len() / NOTES)
        .filter_map(|p| std::fs::read_to_string(p).ok())
        // A note quoting a numeric reference would not come back as written.
        .filter(|t| !t.contains("&#"))
        .take(NOTES)
        .collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for note in &notes {
        let trad: String = note
            .chars()
            .map(|c| to_trad.get(&c).copied().unwrap_or(c))
            .collect();
        for (text, enc) in [(note.as_str(), GBK), (trad.as_str(), BIG5)] {
            // A short copy that is all ASCII is plain UTF-8, whatever it was saved as.
            for t in [text, short(text, SHORT)]
                .into_iter()
                .filter(|t| !t.is_ascii())
            {
                checked += 1;
                if let Some(why) = check(t, enc) {
                    failures.push(format!("{} ({} bytes): {why}", enc.name(), t.len()));
                }
            }
        }
    }
    eprintln!("{checked} files decoded, {} wrong", failures.len());
    for f in failures.iter().take(10) {
        eprintln!("  {f}");
    }
    assert!(
        failures.len() * 100 <= checked,
        "more than 1% of legacy-encoded notes decoded wrongly: {failures:#?}"
    );
}
