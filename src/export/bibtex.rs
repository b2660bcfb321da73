//! BibTeX entries.
//!
//! - Conference papers: `@inproceedings` with `booktitle`; journal papers: `@article` with
//!   `journal`; preprints and papers without a venue: `@misc`.
//! - Any paper with an arXiv id also gets `eprint` (the bare id), `archivePrefix = {arXiv}`
//!   and, when known, `primaryClass`, which biblatex and natbib styles print as
//!   `arXiv:2303.11870 [cs.CV]`.
//! - Field values are brace-delimited; LaTeX specials are escaped (braces as
//!   `\textbraceleft{}`, which keeps any title balanced); non-ASCII stays UTF-8
//!   (biber and modern BibTeX read it). Title words with capitals after the first letter
//!   (`CVPR`, `ResNet`, `GANs`) are brace-protected so styles that lowercase titles keep them.

use super::{arxiv_id, arxiv_primary_class, citekey, pub_info, PubKind};
use crate::index::StoredPaper;
use std::io::{self, Write};

/// Escapes the characters LaTeX treats specially: `& % $ # _ { } ~ ^ \`.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            // Not `\{`: classic BibTeX counts escaped braces too, and an unbalanced one in a
            // title would end the field early.
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            // A field value is one line; line breaks in the source mean nothing in LaTeX.
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a word's case must survive a style that lowercases titles: it has a capital
/// after its first character (`CVPR`, `ResNet`, `iPhone`, `3D`).
fn needs_protection(word: &str) -> bool {
    word.chars().skip(1).any(char::is_uppercase)
}

/// Escapes a title and brace-protects acronyms and mixed-case words (`{GAN}s`, `{ResNet}`).
pub(crate) fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while !rest.is_empty() {
        let word_len: usize = rest
            .chars()
            .take_while(|c| c.is_alphanumeric())
            .map(char::len_utf8)
            .sum();
        if word_len == 0 {
            let c_len = rest.chars().next().map(char::len_utf8).unwrap_or(1);
            out.push_str(&escape(&rest[..c_len]));
            rest = &rest[c_len..];
            continue;
        }
        let word = &rest[..word_len];
        rest = &rest[word_len..];
        if !needs_protection(word) {
            out.push_str(word);
            continue;
        }
        // A plural acronym keeps its `s` outside the braces, as people write `{GAN}s`.
        let stem = word.strip_suffix('s').filter(|stem| {
            stem.chars().count() >= 2 && stem.chars().all(|c| c.is_uppercase() || c.is_numeric())
        });
        match stem {
            Some(stem) => {
                out.push('{');
                out.push_str(stem);
                out.push_str("}s");
            }
            None => {
                out.push('{');
                out.push_str(word);
                out.push('}');
            }
        }
    }
    out
}

/// One author for the `author` field: names BibTeX would misparse are braced whole.
fn author(name: &str) -> String {
    let name = escape(name.trim());
    let words: Vec<&str> = name.split_whitespace().collect();
    // A Han-script name is one unit; a literal ` and ` would split the list; more than two
    // commas is an error in BibTeX's name grammar.
    let whole = name.chars().any(crate::analyze::is_han)
        || words.iter().any(|w| w.eq_ignore_ascii_case("and"))
        || name.matches(',').count() > 2;
    if whole {
        format!("{{{name}}}")
    } else {
        words.join(" ")
    }
}

fn field(out: &mut String, name: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    out.push_str("  ");
    out.push_str(name);
    out.push_str(" = {");
    out.push_str(value);
    out.push_str("},\n");
}

/// The entry text for one paper with its key.
pub(crate) fn entry(p: &StoredPaper, key: &str) -> String {
    let info = pub_info(p);
    let eprint = arxiv_id(p);
    let kind = match info.kind {
        PubKind::Conference => "inproceedings",
        PubKind::Journal => "article",
        PubKind::Preprint => "misc",
    };
    let mut out = format!("@{kind}{{{key},\n");
    field(&mut out, "title", &title(&p.title));
    let authors: Vec<String> = p
        .authors
        .iter()
        .filter(|a| !a.trim().is_empty())
        .map(|a| author(a))
        .collect();
    field(&mut out, "author", &authors.join(" and "));
    let container = info.container.as_deref().map(escape).unwrap_or_default();
    match info.kind {
        PubKind::Conference => field(&mut out, "booktitle", &container),
        PubKind::Journal => field(&mut out, "journal", &container),
        PubKind::Preprint => {}
    }
    if let Some(y) = p.year {
        field(&mut out, "year", &y.to_string());
    }
    if let Some(id) = eprint {
        // `eprint` is a verbatim field: escapes would become part of the id.
        field(&mut out, "eprint", &id.replace(['{', '}'], ""));
        field(&mut out, "archivePrefix", "arXiv");
        if let Some(c) = arxiv_primary_class(p) {
            field(&mut out, "primaryClass", &escape(&c));
        }
    }
    if let Some(u) = p.url() {
        // URLs are verbatim in biblatex and the `url` package; only braces would break them.
        field(&mut out, "url", &u.replace(['{', '}'], ""));
    }
    field(&mut out, "keywords", &escape(&p.keywords.join(", ")));
    out.push_str("}\n");
    out
}

/// Writes every paper as an entry, blank line between entries, keys per [`citekey`].
pub(crate) fn write(
    papers: impl Iterator<Item = StoredPaper>,
    w: &mut dyn Write,
) -> io::Result<()> {
    // Keys need the whole set; the full text is not printed, so it is not kept.
    let papers: Vec<StoredPaper> = papers
        .map(|mut p| {
            p.text = String::new();
            p
        })
        .collect();
    let keys = citekey::assign(&papers);
    for (i, (p, key)) in papers.iter().zip(&keys).enumerate() {
        if i > 0 {
            w.write_all(b"\n")?;
        }
        w.write_all(entry(p, key).as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials() {
        assert_eq!(
            escape(r"50% & $5 #1 a_b {x} ~ ^ \"),
            r"50\% \& \$5 \#1 a\_b \textbraceleft{}x\textbraceright{} \textasciitilde{} \textasciicircum{} \textbackslash{}"
        );
    }

    #[test]
    fn protects_acronyms() {
        assert_eq!(
            title("GANs beat CVPR baselines with ResNet-50 in 3D"),
            "{GAN}s beat {CVPR} baselines with {ResNet}-50 in {3D}"
        );
        assert_eq!(
            title("A Study of Müller's Method"),
            "A Study of Müller's Method"
        );
        assert_eq!(title("Cost: 5% & more"), "Cost: 5\\% \\& more");
        assert_eq!(title("iPhone 知识蒸馏"), "{iPhone} 知识蒸馏");
    }

    #[test]
    fn authors() {
        assert_eq!(author("张伟"), "{张伟}");
        assert_eq!(author("Alice  Moreau"), "Alice Moreau");
        assert_eq!(
            author("Research and Development"),
            "{Research and Development}"
        );
    }
}
