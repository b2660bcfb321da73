//! Topic taxonomy: bilingual keywords, arXiv categories and folder/领域 labels per topic, from
//! `index-schema/topics.toml`.

use once_cell::sync::Lazy;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;

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
    /// Keyword (lowercase) → topic index.
    by_keyword: HashMap<String, usize>,
    /// All keywords in one automaton, so a text is scanned once.
    keywords: Regex,
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
    let file: TopicFile = toml::from_str(TOPICS_TOML).expect("index-schema/topics.toml is valid (tested)");
    let mut by_label = HashMap::new();
    let mut by_keyword = HashMap::new();
    let mut words = Vec::new();
    for (i, t) in file.topic.iter().enumerate() {
        for l in t.labels.iter().chain([&t.id, &t.en, &t.zh]).chain(&t.arxiv) {
            by_label.entry(fold(l)).or_insert(i);
        }
        for k in t.keywords.iter().chain(&t.keywords_zh) {
            let k = k.to_lowercase();
            if by_keyword.insert(k.clone(), i).is_none() {
                words.push(k);
            }
        }
    }
    // Longest first, so `diffusion model` wins over `diffusion` at the same position.
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let keywords = Regex::new(&crate::meta::labels::bounded(&words)).expect("keyword regex");
    Taxonomy { topics: file.topic, by_label, by_keyword, keywords }
});

/// Every topic in the table.
pub fn all() -> &'static [Topic] {
    &TAXONOMY.topics
}

/// The topic id for a query-side value or a label in either language (`扩散模型`,
/// `Diffusion Models`, `diffusion-models`, `3d_vision`, `cs.CV`), or `None` when unknown.
pub fn normalize(value: &str) -> Option<&'static str> {
    let t: &'static Taxonomy = &TAXONOMY;
    t.by_label.get(&fold(value.trim())).map(|&i| t.topics[i].id.as_str())
}

/// Keyword hits per topic index in `text`, most hits first (ties: table order).
fn hits(text: &str) -> Vec<(usize, usize)> {
    let t: &'static Taxonomy = &TAXONOMY;
    // The automaton holds lowercase keywords; folding the text once beats `(?i)` on every byte.
    let lower = text.to_lowercase();
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for m in t.keywords.find_iter(&lower) {
        if let Some(&i) = t.by_keyword.get(m.as_str()) {
            match counts.iter_mut().find(|(j, _)| *j == i) {
                Some((_, n)) => *n += 1,
                None => counts.push((i, 1)),
            }
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
        let idx = t.by_label.get(&fold(l)).copied().or_else(|| hits(l).first().map(|h| h.0));
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
    hits(body)
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
        assert!(TAXONOMY.keywords.is_match("diffusion"));
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
        let t = classify("Diffusion Models for Medical Image Segmentation", &["3d_vision"]);
        assert_eq!(t[0], "3d-vision");
        assert!(t.contains(&"diffusion-models".to_string()));
        assert!(t.len() <= 3);
        assert!(classify("Federated Learning with Noisy Clients", &[]).contains(&"federated-learning".to_string()));
        // `hallucinate` must not match inside other words; `sar` only as a word.
        assert!(classify("Sarcasm detection", &[]).iter().all(|x| x != "remote-sensing"));
        assert!(classify("联邦学习中的隐私保护", &[]).contains(&"federated-learning".to_string()));
    }
}
