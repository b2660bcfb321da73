//! Bilingual machine-learning glossary, from the table in `index-schema/glossary.toml`.
//!
//! The query stage uses it to expand a term written in one language into the other
//! (`federated learning` ↔ `联邦学习`). Every form is looked up by a key folded the way the
//! index folds text ([`crate::analyze::fold_str`]), so case, full-width letters, traditional
//! characters and punctuation do not matter.

use crate::analyze::{fold_str, is_han};
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One concept: its English forms, abbreviations and Chinese forms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Entry {
    /// English forms, canonical first.
    pub en: Vec<String>,
    /// Abbreviations (`FL`, `RAG`); may be empty.
    #[serde(default)]
    pub abbr: Vec<String>,
    /// Chinese forms (simplified), most common first.
    pub zh: Vec<String>,
    /// The abbreviations also mean something else: expand them only into the full forms.
    #[serde(default)]
    pub ambiguous: bool,
}

impl Entry {
    /// True when `phrase` folds to one of this entry's abbreviations.
    pub fn is_abbr(&self, phrase: &str) -> bool {
        let k = key(phrase);
        self.abbr.iter().any(|a| key(a) == k)
    }

    /// Every form of the entry: English, abbreviations, then Chinese.
    pub fn forms(&self) -> impl Iterator<Item = &str> {
        self.en
            .iter()
            .chain(&self.abbr)
            .chain(&self.zh)
            .map(String::as_str)
    }
}

#[derive(Deserialize)]
struct GlossaryFile {
    term: Vec<Entry>,
}

/// The glossary as shipped in `index-schema/glossary.toml`.
pub const GLOSSARY_TOML: &str = include_str!("../../index-schema/glossary.toml");

/// FNV-1a: the keys are short and trusted (they come from the shipped file), so the
/// DoS-resistant default hasher only slows down the per-search load.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

struct Table {
    entries: Vec<Entry>,
    by_key: HashMap<String, usize, BuildHasherDefault<Fnv>>,
    /// Upper bound on the query words one key can span, so `longest_match` tries no more.
    max_words: usize,
}

static TABLE: Lazy<Table> = Lazy::new(|| {
    let entries = parse(GLOSSARY_TOML);
    let mut by_key = HashMap::with_capacity_and_hasher(entries.len() * 4, Default::default());
    let mut max_words = 1;
    for (i, e) in entries.iter().enumerate() {
        for f in e.forms() {
            let (k, n) = quick_key(f).unwrap_or_else(|| {
                let k = key(f);
                let n = units(&k);
                (k, n)
            });
            max_words = max_words.max(n);
            // First entry wins; the duplicate-key test keeps the table free of collisions.
            by_key.entry(k).or_insert(i);
        }
    }
    Table {
        entries,
        by_key,
        max_words,
    }
});

/// Parses the glossary file. The table is loaded on every search and the `toml` crate
/// needs ~10 ms for it, so the file's own layout (one `key = value` per line) is read by
/// [`parse_fast`] at a fraction of that cost; `toml` is the fallback for anything else.
fn parse(src: &str) -> Vec<Entry> {
    parse_fast(src).unwrap_or_else(|| {
        // The file ships inside the binary and a unit test parses it, so a failure here is a build defect.
        let file: GlossaryFile =
            toml::from_str(src).expect("index-schema/glossary.toml is valid (tested)");
        file.term
    })
}

/// Reads the subset of TOML the glossary is written in: comments, `[[term]]` headers,
/// one-line string arrays for `en`/`abbr`/`zh` and `ambiguous = true|false`. Returns
/// `None` on anything else, so that [`parse`] falls back to the full parser; a unit test
/// proves both agree on the shipped file.
fn parse_fast(src: &str) -> Option<Vec<Entry>> {
    let mut out = Vec::new();
    // The entry being read, and which keys it has set (a repeated key is a TOML error).
    let mut cur: Option<(Entry, [bool; 4])> = None;
    let finish = |(e, seen): (Entry, [bool; 4])| (seen[0] && seen[2]).then_some(e);
    for line in src.lines() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l == "[[term]]" {
            if let Some(c) = cur.take() {
                out.push(finish(c)?);
            }
            cur = Some((Entry::default(), [false; 4]));
            continue;
        }
        let (k, v) = l.split_once('=')?;
        let (e, seen) = cur.as_mut()?;
        let (slot, i) = match k.trim() {
            "en" => (Some(&mut e.en), 0),
            "abbr" => (Some(&mut e.abbr), 1),
            "zh" => (Some(&mut e.zh), 2),
            "ambiguous" => (None, 3),
            _ => return None,
        };
        if std::mem::replace(&mut seen[i], true) {
            return None;
        }
        match slot {
            Some(list) => *list = string_array(v.trim())?,
            None => {
                e.ambiguous = match v.split('#').next()?.trim() {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                }
            }
        }
    }
    match cur {
        Some(c) => out.push(finish(c)?),
        // An empty file has no `term` array, which the full parser rejects too.
        None => return None,
    }
    Some(out)
}

/// Parses `["a", "b\"c"]` (basic strings, `\\` and `\"` escapes, optional trailing
/// comma and comment); `None` for any other shape.
fn string_array(v: &str) -> Option<Vec<String>> {
    // Scans bytes: `"`, `\\`, `,` and `]` are ASCII and never occur inside a multi-byte
    // UTF-8 sequence, so every index used for slicing is a character boundary.
    let b = v.as_bytes();
    if b.first() != Some(&b'[') {
        return None;
    }
    let skip_ws = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let mut i = skip_ws(1);
    loop {
        match *b.get(i)? {
            b']' => break,
            b'"' => {
                let start = i + 1;
                let mut end = start;
                let mut escaped = false;
                loop {
                    match *b.get(end)? {
                        b'"' => break,
                        b'\\' => {
                            escaped = true;
                            end += 2;
                        }
                        _ => end += 1,
                    }
                }
                let raw = v.get(start..end)?;
                out.push(if escaped {
                    unescape(raw)?
                } else {
                    raw.to_owned()
                });
                i = skip_ws(end + 1);
                match *b.get(i)? {
                    b',' => i = skip_ws(i + 1),
                    b']' => break,
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    let rest = v[i + 1..].trim_start();
    (rest.is_empty() || rest.starts_with('#')).then_some(out)
}

/// Resolves the two escapes the fast parser accepts (`\\` and `\"`); `None` for others.
fn unescape(raw: &str) -> Option<String> {
    let mut s = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next()? {
                c @ ('\\' | '"') => s.push(c),
                _ => return None,
            }
        } else {
            s.push(c);
        }
    }
    Some(s)
}

/// Drops the separators the analyzer does not keep as boundaries: spaces next to a Han
/// character (`视觉-语言模型` = `视觉语言模型`, `Transformer 模型` = `Transformer模型`,
/// since jieba and the bigrams see no word boundary there either) and spaces between a
/// digit and a letter (`3 D` = `3D`, because the analyzer splits letter/digit runs).
fn compact(folded: String) -> String {
    // Most keys have no space to drop; keep them without copying.
    let needs_work = folded.char_indices().any(|(i, c)| {
        c == ' ' && {
            let a = folded[..i].chars().next_back();
            let n = folded[i + 1..].chars().next();
            matches!((a, n), (Some(a), Some(n)) if joins(a, n))
        }
    });
    if !needs_work {
        return folded;
    }
    let mut out = String::with_capacity(folded.len());
    let mut prev = None;
    let mut it = folded.chars().peekable();
    while let Some(c) = it.next() {
        if let (' ', Some(a), Some(&n)) = (c, prev, it.peek()) {
            if joins(a, n) {
                continue;
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// True when a separator between `a` and `b` is no word boundary for the analyzer:
/// next to Han, or between a digit and a letter.
fn joins(a: char, b: char) -> bool {
    is_han(a)
        || is_han(b)
        || (a.is_ascii_digit() && b.is_alphabetic())
        || (a.is_alphabetic() && b.is_ascii_digit())
}

/// [`key`] without the fold tables, and with [`units`], in one pass, for building the
/// table on every load: ASCII letters and digits lowercased, other ASCII separating, Han
/// kept as is because the file is in simplified script. `None` for any other character
/// (the caller then uses [`key`]); a unit test proves both agree on every form in the file.
fn quick_key(form: &str) -> Option<(String, usize)> {
    let mut out = String::with_capacity(form.len());
    let mut last: Option<char> = None;
    let mut sep = false;
    let mut units = 0;
    for c in form.chars() {
        let f = if c.is_ascii() {
            if !c.is_ascii_alphanumeric() {
                sep = true;
                continue;
            }
            c.to_ascii_lowercase()
        } else if is_han(c) {
            c
        } else {
            return None;
        };
        let new_unit = match last {
            None => true,
            Some(l) => {
                if sep && !joins(l, f) {
                    out.push(' ');
                }
                sep || is_han(l) || is_han(f) || l.is_ascii_digit() != f.is_ascii_digit()
            }
        };
        units += usize::from(new_unit);
        sep = false;
        last = Some(f);
        out.push(f);
    }
    Some((out, units))
}

/// The lookup key of a phrase: folded like the index folds text, then [`compact`]ed.
fn key(phrase: &str) -> String {
    compact(fold_str(phrase))
}

/// How many query words a key may span at most: one per Han character, per letter run
/// and per digit run (a query tokenizer never splits finer than that).
fn units(key: &str) -> usize {
    let mut n = 0;
    let mut prev: Option<char> = None;
    for c in key.chars() {
        let same_run = match prev {
            Some(p) if !is_han(c) && !is_han(p) && p != ' ' && c != ' ' => {
                p.is_ascii_digit() == c.is_ascii_digit()
            }
            _ => false,
        };
        if c != ' ' && !same_run {
            n += 1;
        }
        prev = Some(c);
    }
    n
}

/// The entry whose English form, abbreviation or Chinese form folds to `phrase`.
pub fn lookup(phrase: &str) -> Option<&'static Entry> {
    let t: &'static Table = &TABLE;
    t.by_key.get(&key(phrase)).map(|&i| &t.entries[i])
}

/// The longest run of query words starting at `words[0]` that forms a glossary key, as
/// (number of words, entry). Words that fold to nothing (punctuation) never end a match.
pub fn longest_match(words: &[&str]) -> Option<(usize, &'static Entry)> {
    let t: &'static Table = &TABLE;
    let n_max = words.len().min(t.max_words);
    let folded: Vec<String> = words[..n_max].iter().map(|w| fold_str(w)).collect();
    for n in (1..=n_max).rev() {
        if folded[n - 1].is_empty() {
            continue;
        }
        let joined = folded[..n]
            .iter()
            .filter(|f| !f.is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(&i) = t.by_key.get(&compact(joined)) {
            return Some((n, &t.entries[i]));
        }
    }
    None
}

/// All entries, in file order.
pub fn all() -> &'static [Entry] {
    &TABLE.entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_parses() {
        let f: GlossaryFile = toml::from_str(GLOSSARY_TOML).expect("glossary.toml parses");
        assert_eq!(f.term.len(), all().len());
    }

    #[test]
    fn fast_parser_agrees_with_toml() {
        let f: GlossaryFile = toml::from_str(GLOSSARY_TOML).unwrap();
        assert_eq!(parse_fast(GLOSSARY_TOML), Some(f.term));
    }

    #[test]
    fn fast_parser_handles_escapes_and_declines_other_toml() {
        let src = "# c\n[[term]]\nen = [\"a \\\"b\\\\\", ] # x\nzh = [\"中\"]\nambiguous = true\n";
        let want = toml::from_str::<GlossaryFile>(src).unwrap().term;
        assert_eq!(parse_fast(src), Some(want.clone()));
        assert_eq!(want[0].en, ["a \"b\\"]);
        // Shapes outside the subset go to the full parser, which reads them the same way.
        let multi = "[[term]]\nen = [\n  \"a\",\n]\nzh = ['中']\n";
        assert_eq!(parse_fast(multi), None);
        assert_eq!(parse(multi)[0].en, ["a"]);
        assert_eq!(
            parse_fast("[[term]]\nzh = [\"中\"]\n"),
            None,
            "en is required"
        );
    }

    #[test]
    fn quick_key_agrees_with_key() {
        for f in all().iter().flat_map(Entry::forms) {
            if let Some((q, n)) = quick_key(f) {
                assert_eq!(q, key(f), "{f:?} is not stored in folded (simplified) form");
                assert_eq!(n, units(&q), "{f:?}");
            }
        }
    }

    #[test]
    fn has_enough_entries() {
        assert!(all().len() >= 450, "only {} entries", all().len());
    }

    #[test]
    fn every_entry_is_bilingual() {
        for e in all() {
            assert!(!e.en.is_empty() && !e.zh.is_empty(), "{e:?}");
            for z in &e.zh {
                assert!(z.chars().any(is_han), "zh form without Han: {z}");
            }
            for f in e.en.iter().chain(&e.abbr) {
                assert!(!f.chars().any(is_han), "en/abbr form with Han: {f}");
            }
            for f in e.forms() {
                assert!(!key(f).is_empty(), "form folds to nothing: {f:?}");
            }
            // The flag only qualifies abbreviations, so an entry without any is a data slip.
            assert!(
                !e.ambiguous || !e.abbr.is_empty(),
                "ambiguous without abbr: {e:?}"
            );
        }
    }

    #[test]
    fn no_key_belongs_to_two_entries() {
        let mut owner: HashMap<String, usize> = HashMap::new();
        let mut clashes = Vec::new();
        for (i, e) in all().iter().enumerate() {
            for f in e.forms() {
                let k = key(f);
                if let Some(&j) = owner.get(&k) {
                    if j != i {
                        clashes.push(format!("{k:?}: {:?} / {:?}", all()[j].en[0], e.en[0]));
                    }
                } else {
                    owner.insert(k, i);
                }
            }
        }
        assert!(clashes.is_empty(), "{clashes:#?}");
    }

    #[test]
    fn lookup_folds_case_width_and_script() {
        let fl = lookup("联邦学习").expect("联邦学习");
        assert_eq!(fl.en[0], "federated learning");
        assert_eq!(lookup("Federated Learning"), Some(fl));
        assert_eq!(lookup("  federated-learning "), Some(fl));
        assert_eq!(lookup("聯邦學習"), Some(fl));
        // FL is ambiguous: still found, and flagged so the query side expands it one way.
        assert_eq!(lookup("FL"), Some(fl));
        assert!(fl.ambiguous && fl.is_abbr("ｆｌ") && !fl.is_abbr("联邦学习"));

        let rag = lookup("ＲＡＧ").expect("full-width RAG");
        assert_eq!(rag.zh[0], "检索增强生成");
        assert!(!rag.ambiguous);
        assert_eq!(lookup("Retrieval-Augmented Generation"), Some(rag));

        let kd = lookup("知识蒸馏").expect("知识蒸馏");
        assert_eq!(kd.en[0], "knowledge distillation");
        assert_eq!(lookup("LLMs"), lookup("大語言模型"));
        assert_eq!(lookup("视觉-语言模型"), lookup("VLM"));
        assert_eq!(lookup("self supervised learning"), lookup("自监督学习"));
        assert_eq!(lookup("Transformer 模型"), lookup("transformer"));
        assert!(lookup("cvpr").is_none());
        assert!(lookup("").is_none());
    }

    #[test]
    fn longest_match_prefers_the_longest_key() {
        let fl = lookup("federated learning").unwrap();
        assert_eq!(
            longest_match(&["federated", "learning", "cvpr"]),
            Some((2, fl))
        );
        assert_eq!(longest_match(&["Federated", "Learning"]), Some((2, fl)));
        assert_eq!(longest_match(&["联邦", "学习", "方法"]), Some((2, fl)));
        let llm = lookup("LLM").unwrap();
        assert_eq!(
            longest_match(&["大", "语言", "模型", "推理"]),
            Some((3, llm))
        );
        let gs = lookup("3DGS").unwrap();
        assert_eq!(
            longest_match(&["3", "d", "gaussian", "splatting"]),
            Some((4, gs))
        );
        // A trailing punctuation word is not part of the match.
        assert_eq!(
            longest_match(&["federated", "learning", ","]),
            Some((2, fl))
        );
        assert_eq!(
            longest_match(&["large", "language", "model"]).map(|m| m.0),
            Some(3)
        );
        assert!(longest_match(&["cvpr", "federated"]).is_none());
        assert!(longest_match(&[]).is_none());
    }
}
