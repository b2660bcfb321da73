//! Topic taxonomy: bilingual keywords, arXiv categories and folder/领域 labels per topic, from
//! `index-schema/topics.toml`.

use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// The taxonomy as shipped in `index-schema/topics.toml`.
pub const TOPICS_TOML: &str = include_str!("../../index-schema/topics.toml");

/// One topic as the table describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Topic {
    /// Stable id stored in the index (`diffusion-models`).
    pub id: String,
    /// English name.
    pub en: String,
    /// Chinese name.
    pub zh: String,
    /// English keyword phrases (word-boundary, case-insensitive).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Chinese keyword phrases (substring).
    #[serde(default)]
    pub keywords_zh: Vec<String>,
    /// arXiv categories mapping to the topic.
    #[serde(default)]
    pub arxiv: Vec<String>,
    /// Folder names and 领域/Field labels mapping to the topic.
    #[serde(default)]
    pub labels: Vec<String>,
}

#[derive(Deserialize)]
struct TopicFile {
    topic: Vec<Topic>,
}

struct Taxonomy {
    topics: Vec<Topic>,
    /// Label, id, names and arXiv categories (folded) → topic index.
    by_label: HashMap<String, usize>,
    /// English keyword (lowercase words joined by one space) → topic index.
    by_phrase: HashMap<String, usize>,
    /// First words of English keywords, so most words cost one lookup.
    first_words: HashSet<String>,
    /// Longest English keyword, in words.
    max_words: usize,
    /// CJK keywords by first character: `(keyword, topic index)`, longest first.
    by_first_char: HashMap<char, Vec<(String, usize)>>,
    /// Which BMP characters start a CJK keyword: one array probe per character instead of a
    /// hash lookup, since most characters start none.
    starts: Vec<bool>,
}

/// Folds a label: lowercase, without spaces, `_`, `-`, `/`.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '/' | '&'))
        .flat_map(char::to_lowercase)
        .collect()
}

static TAXONOMY: Lazy<Taxonomy> = Lazy::new(|| {
    // Shipped in the binary and parsed by a unit test: a failure is a build defect.
    let file: TopicFile =
        toml::from_str(TOPICS_TOML).expect("index-schema/topics.toml is valid (tested)");
    let mut by_label = HashMap::new();
    let mut by_phrase = HashMap::new();
    let mut first_words = HashSet::new();
    let mut max_words = 1;
    let mut by_first_char: HashMap<char, Vec<(String, usize)>> = HashMap::new();
    for (i, t) in file.topic.iter().enumerate() {
        for l in t.labels.iter().chain([&t.id, &t.en, &t.zh]).chain(&t.arxiv) {
            by_label.entry(fold(l)).or_insert(i);
        }
        for k in &t.keywords {
            let lk = k.to_lowercase();
            let ws = words(&lk);
            if let Some(first) = ws.first() {
                first_words.insert(first.to_string());
                max_words = max_words.max(ws.len());
                by_phrase.entry(ws.join(" ")).or_insert(i);
            }
        }
        for k in &t.keywords_zh {
            let k = k.to_lowercase();
            if let Some(c) = k.chars().next() {
                let v = by_first_char.entry(c).or_default();
                if !v.iter().any(|(w, _)| *w == k) {
                    v.push((k, i));
                }
            }
        }
    }
    for v in by_first_char.values_mut() {
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }
    let mut starts = vec![false; 0x10000];
    for c in by_first_char.keys() {
        if let Some(slot) = starts.get_mut(*c as usize) {
            *slot = true;
        }
    }
    Taxonomy {
        topics: file.topic,
        by_label,
        by_phrase,
        first_words,
        max_words,
        by_first_char,
        starts,
    }
});

/// Words of a lowercase text: runs of ASCII alphanumerics and `'`. Hyphens separate words on
/// both sides, so `vision-language model` matches `vision language models` and `nerf` matches
/// in `NeRF-in-the-Dark`.
fn words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every topic in the table.
pub fn all() -> &'static [Topic] {
    &TAXONOMY.topics
}

/// The topic id for a query-side value or a label in either language (`扩散模型`,
/// `Diffusion Models`, `diffusion-models`, `3d_vision`, `cs.CV`), or `None` when unknown.
pub fn normalize(value: &str) -> Option<&'static str> {
    let t: &'static Taxonomy = &TAXONOMY;
    t.by_label
        .get(&fold(value.trim()))
        .map(|&i| t.topics[i].id.as_str())
}

/// Keyword hits per topic index in `text`, most hits first (ties: table order). English
/// keywords match whole words (longest phrase first), CJK keywords match anywhere.
fn hits(text: &str) -> Vec<(usize, usize)> {
    let t: &'static Taxonomy = &TAXONOMY;
    // Keywords are lowercase ASCII or caseless CJK: ASCII folding is all a text needs.
    let lower = text.to_ascii_lowercase();
    let mut counts: Vec<(usize, usize)> = Vec::new();
    let mut count = |i: usize| match counts.iter_mut().find(|(j, _)| *j == i) {
        Some((_, n)) => *n += 1,
        None => counts.push((i, 1)),
    };
    let ws = words(&lower);
    let mut k = 0;
    let mut phrase = String::new();
    while k < ws.len() {
        let mut step = 1;
        if t.first_words.contains(ws[k]) {
            let mut best: Option<(usize, usize)> = None;
            phrase.clear();
            for (n, w) in ws[k..].iter().take(t.max_words).enumerate() {
                if n > 0 {
                    phrase.push(' ');
                }
                phrase.push_str(w);
                if let Some(&i) = t.by_phrase.get(phrase.as_str()) {
                    best = Some((i, n + 1));
                }
            }
            if let Some((i, n)) = best {
                count(i);
                step = n;
            }
        }
        k += step;
    }
    if !lower.is_ascii() {
        let mut rest = lower.as_str();
        while let Some(c) = rest.chars().next() {
            let mut step = c.len_utf8();
            let maybe = t.starts.get(c as usize).copied().unwrap_or(true);
            if let Some(cands) = maybe.then(|| t.by_first_char.get(&c)).flatten() {
                if let Some((w, i)) = cands.iter().find(|(w, _)| rest.starts_with(w.as_str())) {
                    count(*i);
                    step = w.len();
                }
            }
            rest = &rest[step..];
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// Topics of a record: every topic its `labels` name (folder names, 领域 parts, tags, arXiv
/// category; unknown labels are tried as keywords), then topics whose keywords occur in `text`
/// (title and stated keywords: strong evidence), at most three in all from text.
pub fn classify(text: &str, labels: &[&str]) -> Vec<String> {
    let t: &'static Taxonomy = &TAXONOMY;
    let mut out: Vec<usize> = Vec::new();
    for l in labels {
        let idx = t
            .by_label
            .get(&fold(l))
            .copied()
            .or_else(|| hits(l).first().map(|h| h.0));
        if let Some(i) = idx {
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    let from_labels = out.len();
    for (i, _) in hits(text) {
        if out.len() >= from_labels.max(3) {
            break;
        }
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out.into_iter().map(|i| t.topics[i].id.clone()).collect()
}

/// Topics that body text supports, for records that have fewer than three: a topic needs at
/// least `min_hits` keyword hits, and at most `room` are returned, strongest first.
pub fn classify_body(body: &str, have: &[String], room: usize, min_hits: usize) -> Vec<String> {
    let t: &'static Taxonomy = &TAXONOMY;
    // The opening of a record (summary, abstract) says what it is about; the rest would only
    // add noise and time.
    let cut = body.char_indices().nth(2000).map_or(body.len(), |(i, _)| i);
    hits(&body[..cut])
        .into_iter()
        .filter(|&(i, n)| n >= min_hits && !have.iter().any(|h| *h == t.topics[i].id))
        .take(room)
        .map(|(i, _)| t.topics[i].id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_ids_are_unique() {
        let file: TopicFile = toml::from_str(TOPICS_TOML).unwrap();
        let mut ids: Vec<&str> = file.topic.iter().map(|t| t.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), file.topic.len());
        assert!(file.topic.len() >= 40);
        assert!(!hits("diffusion").is_empty());
    }

    #[test]
    fn query_values_in_both_languages() {
        assert_eq!(normalize("扩散模型"), Some("diffusion-models"));
        assert_eq!(normalize("Federated Learning"), Some("federated-learning"));
        assert_eq!(normalize("3d_vision"), Some("3d-vision"));
        assert_eq!(normalize("cs.CV"), Some("computer-vision"));
        assert_eq!(normalize("no such topic"), None);
    }

    #[test]
    fn classify_uses_labels_then_title_keywords() {
        let t = classify(
            "Diffusion Models for Medical Image Segmentation",
            &["3d_vision"],
        );
        assert_eq!(t[0], "3d-vision");
        assert!(t.contains(&"diffusion-models".to_string()));
        assert!(t.len() <= 3);
        assert!(classify("Federated Learning with Noisy Clients", &[])
            .contains(&"federated-learning".to_string()));
        // `hallucinate` must not match inside other words; `sar` only as a word.
        assert!(classify("Sarcasm detection", &[])
            .iter()
            .all(|x| x != "remote-sensing"));
        assert!(classify("联邦学习中的隐私保护", &[]).contains(&"federated-learning".to_string()));
    }
}
