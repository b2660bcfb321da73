//! Citation keys for BibTeX and CSL-JSON: deterministic, ASCII, stable across reindexes.
//!
//! A key is `{family}{year}{word}`: the first author's family name folded to ASCII
//! (`Müller` → `muller`), the year (`nd` when unknown) and the first title word that is not
//! a stopword, all lowercase letters and digits (`he2016deep`). Names in Han script have no
//! pinyin here, so the family part is dropped and the key starts with the title word
//! (`gnn2023`); when the title has no Latin word either, the key is `paper` and eight hex
//! digits hashed from the paper id (never the arXiv id itself, which has `.` and `/`).
//!
//! Clashes within one export: the paper with the smallest id keeps the key, the next ones by
//! id get `a`, `b`, … `z`, `aa`, … appended. Keys thus depend only on the set of papers
//! exported and their metadata, not on relevance order, and never on the index build.

use super::names::{ascii_fold, split, Name};
use crate::index::StoredPaper;
use std::collections::{BTreeMap, HashSet};

/// Title words that never make a key: articles, prepositions, conjunctions, question words.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "on", "of", "for", "in", "towards", "toward", "to", "and", "or", "with",
    "via", "from", "at", "by", "as", "into", "onto", "is", "are", "be", "do", "does", "can",
    "what", "how", "why", "when", "where", "which", "who", "using", "about", "through", "over",
    "under", "not", "all", "its", "this", "that", "we", "our", "your", "you", "i",
];

/// The key a paper gets before clashes are resolved.
pub fn base_key(p: &StoredPaper) -> String {
    let family = p
        .authors
        .first()
        .map(|a| family_part(a))
        .unwrap_or_default();
    let word = title_word(&p.title);
    let year = p
        .year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "nd".to_string());
    match (family.is_empty(), word) {
        (false, Some(w)) => format!("{family}{year}{w}"),
        (false, None) => format!("{family}{year}"),
        (true, Some(w)) => format!("{w}{year}"),
        (true, None) => format!("paper{}", id_hash(&p.id)),
    }
}

/// The first author's family name folded to ASCII, without particles; empty for Han names.
fn family_part(author: &str) -> String {
    // Long enough for any family name; keeps a mis-parsed author line from making a huge key.
    const MAX: usize = 24;
    let mut family = match split(author) {
        Name::Parts { family, .. } => ascii_fold(&family),
        // A single Latin word is most likely a family name (`Plato`, a pen name); Han
        // script folds to nothing and leaves the key to the title.
        Name::Literal(l) => ascii_fold(&l),
    };
    family.truncate(MAX);
    family
}

/// The first title word that is not a stopword, folded to ASCII; words split at any
/// non-alphanumeric character, as Google Scholar does (`Self-Distilled` → `self`).
fn title_word(title: &str) -> Option<String> {
    title
        .split(|c: char| !c.is_alphanumeric())
        .map(ascii_fold)
        .find(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
}

/// Eight hex digits identifying a paper id: the hash already in `h…` ids, else FNV-1a.
fn id_hash(id: &str) -> String {
    if let Some(hex) = id.strip_prefix('h') {
        if hex.len() >= 8 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return hex[..8].to_ascii_lowercase();
        }
    }
    // FNV-1a: fixed by definition, so keys survive compiler and library upgrades.
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// `a`, `b`, … `z`, `aa`, `ab`, … for the 1st, 2nd, … clash (n counts from 0).
fn suffix(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

/// Unique keys for `papers`, in their order; see the module docs for the rules.
pub fn assign(papers: &[StoredPaper]) -> Vec<String> {
    let bases: Vec<String> = papers.iter().map(base_key).collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, b) in bases.iter().enumerate() {
        groups.entry(b.as_str()).or_default().push(i);
    }
    // Every base key is reserved for its own group, so a suffixed key (`smith2020a`) never
    // takes the base key of another paper (`Smith 2020 "A…"` can't, `a` is a stopword, but
    // `B-splines…` gives `smith2020b`).
    let mut used: HashSet<String> = bases.iter().cloned().collect();
    let mut keys = bases.clone();
    for (base, mut members) in groups {
        // Index breaks ties only between copies of one id, which get identical entries.
        members.sort_by(|&a, &b| papers[a].id.cmp(&papers[b].id).then(a.cmp(&b)));
        let mut n = 0;
        for &i in members.iter().skip(1) {
            let key = loop {
                let k = format!("{base}{}", suffix(n));
                n += 1;
                if !used.contains(&k) {
                    break k;
                }
            };
            used.insert(key.clone());
            keys[i] = key;
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paper(id: &str, author: &str, year: Option<u16>, title: &str) -> StoredPaper {
        StoredPaper {
            id: id.into(),
            title: title.into(),
            authors: vec![author.into()],
            year,
            ..Default::default()
        }
    }

    #[test]
    fn base_keys() {
        let p = paper(
            "1512.03385",
            "Kaiming He",
            Some(2016),
            "Deep Residual Learning",
        );
        assert_eq!(base_key(&p), "he2016deep");
        let p = paper("h1", "Müller, Hans", None, "On the Theory of Everything");
        assert_eq!(base_key(&p), "mullerndtheory");
        let p = paper(
            "2301.00001",
            "张伟",
            Some(2023),
            "基于GNN的农业信贷风险评估",
        );
        assert_eq!(base_key(&p), "gnn2023");
        let p = paper("2301.00001", "张伟", Some(2023), "农业信贷风险评估");
        let k = base_key(&p);
        assert!(k.starts_with("paper") && k.len() == 13, "{k}");
        assert!(!k.contains("2301"));
        let p = paper("hdeadbeef01234567", "张伟", None, "农业信贷");
        assert_eq!(base_key(&p), "paperdeadbeef");
        let p = paper("x", "Alice Moreau", Some(2023), "Self-Distilled ResNet-50");
        assert_eq!(base_key(&p), "moreau2023self");
    }

    #[test]
    fn suffixes() {
        assert_eq!(suffix(0), "a");
        assert_eq!(suffix(25), "z");
        assert_eq!(suffix(26), "aa");
        assert_eq!(suffix(27), "ab");
    }

    #[test]
    fn clashes_follow_id_order() {
        let a = paper("2001.2", "Ann Smith", Some(2020), "Deep nets");
        let b = paper("2001.1", "Bob Smith", Some(2020), "Deep trees");
        let c = paper("2001.3", "Cy Smith", Some(2020), "B-splines");
        let d = paper("2001.0", "Di Smith", Some(2020), "Deep sleep");
        let keys = assign(&[a.clone(), b.clone(), c.clone(), d.clone()]);
        assert_eq!(
            keys,
            [
                "smith2020deepb",
                "smith2020deepa",
                "smith2020b",
                "smith2020deep"
            ]
        );
        let keys2 = assign(&[d, c, b, a]);
        assert_eq!(
            keys2,
            [
                "smith2020deep",
                "smith2020b",
                "smith2020deepa",
                "smith2020deepb"
            ]
        );
    }
}
