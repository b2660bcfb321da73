//! Field labels (`作者`/`Authors`, `会议`/`Venue`…), venue cues and track words, from the
//! table in `index-schema/labels.toml`.

use once_cell::sync::Lazy;
use regex::Regex;
use serde::Deserialize;
use std::collections::HashMap;

/// The label table as shipped in `index-schema/labels.toml`.
pub const LABELS_TOML: &str = include_str!("../../index-schema/labels.toml");

/// What a labelled line states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The paper's title.
    Title,
    /// Author list.
    Authors,
    /// Author affiliations.
    Affiliations,
    /// Venue (and often year and track).
    Venue,
    /// Presentation track.
    Track,
    /// arXiv id or link.
    Arxiv,
    /// Paper or PDF link.
    Pdf,
    /// Code repository.
    Code,
    /// Project page.
    Project,
    /// Abstract or summary (kept in the indexed text).
    Abstract,
    /// Keywords or tags.
    Keywords,
    /// Research field / topic labels.
    Field,
    /// arXiv category.
    Category,
    /// A date.
    Date,
    /// The page's own URL.
    Url,
}

impl Field {
    fn from_name(s: &str) -> Option<Field> {
        Some(match s {
            "title" => Field::Title,
            "authors" => Field::Authors,
            "affiliations" => Field::Affiliations,
            "venue" => Field::Venue,
            "track" => Field::Track,
            "arxiv" => Field::Arxiv,
            "pdf" => Field::Pdf,
            "code" => Field::Code,
            "project" => Field::Project,
            "abstract" => Field::Abstract,
            "keywords" => Field::Keywords,
            "field" => Field::Field,
            "category" => Field::Category,
            "date" => Field::Date,
            "url" => Field::Url,
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
struct Cues {
    phrases: Vec<String>,
}

#[derive(Deserialize)]
struct TrackDef {
    name: String,
    words: Vec<String>,
}

#[derive(Deserialize)]
struct TitleDef {
    prefixes: Vec<String>,
}

#[derive(Deserialize)]
struct LabelFile {
    fields: HashMap<String, Vec<String>>,
    venue_cues: Cues,
    track: Vec<TrackDef>,
    title: TitleDef,
}

struct Tables {
    by_label: HashMap<String, Field>,
    cues: Regex,
    tracks: Vec<(&'static str, Regex)>,
    prefixes: Vec<String>,
}

/// Folds a label for lookup: lowercase, without spaces and the markup around it.
pub fn label_key(s: &str) -> String {
    s.chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '*' | '_' | '【' | '】' | '[' | ']' | '#' | '`')
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn alternation(words: &[String]) -> String {
    words
        .iter()
        .map(|w| regex::escape(&w.to_lowercase()))
        .collect::<Vec<_>>()
        .join("|")
}

/// An alternation where ASCII words match on ASCII word boundaries (which keep the regex on the
/// fast DFA path) and CJK words, which have no spaces around them, match anywhere.
pub(crate) fn bounded(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            let e = regex::escape(&w.to_lowercase());
            if w.is_ascii() {
                format!("(?-u:\\b){e}(?-u:\\b)")
            } else {
                e
            }
        })
        .collect::<Vec<_>>()
        .join("|")
}

static TABLES: Lazy<Tables> = Lazy::new(|| {
    // Shipped in the binary and parsed by a unit test: a failure is a build defect.
    let file: LabelFile =
        toml::from_str(LABELS_TOML).expect("index-schema/labels.toml is valid (tested)");
    let mut by_label = HashMap::new();
    for (name, labels) in &file.fields {
        let field = Field::from_name(name).expect("labels.toml field names are known (tested)");
        for l in labels {
            by_label.insert(label_key(l), field);
        }
    }
    let cues =
        Regex::new(&format!("(?i){}", alternation(&file.venue_cues.phrases))).expect("cue regex");
    let tracks = file
        .track
        .into_iter()
        .map(|t| {
            let name: &'static str = Box::leak(t.name.into_boxed_str());
            let re = Regex::new(&format!("(?i){}", bounded(&t.words))).expect("track regex");
            (name, re)
        })
        .collect();
    Tables {
        by_label,
        cues,
        tracks,
        prefixes: file.title.prefixes,
    }
});

/// The field a label names (`**论文作者**` → `Authors`), if it is one.
pub fn field_of(label: &str) -> Option<Field> {
    TABLES.by_label.get(&label_key(label)).copied()
}

/// Whether a line says where a paper was accepted or published (`Accepted at`, `收录`).
pub fn is_venue_cue(line: &str) -> bool {
    TABLES.cues.is_match(line)
}

/// The highest-priority track a text names (`workshop` > `findings` > `oral` > … > `poster`).
pub fn track_in(text: &str) -> Option<&'static str> {
    TABLES
        .tracks
        .iter()
        .find(|(_, re)| re.is_match(text))
        .map(|(n, _)| *n)
}

/// The canonical track name for a spelling (`Poster` → `poster`).
pub fn normalize_track(s: &str) -> Option<&'static str> {
    track_in(s)
}

/// Page-kind prefixes sites put before titles (`论文解读`).
pub fn title_prefixes() -> &'static [String] {
    &TABLES.prefixes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_and_every_field_is_known() {
        let file: LabelFile = toml::from_str(LABELS_TOML).unwrap();
        for name in file.fields.keys() {
            assert!(Field::from_name(name).is_some(), "unknown field {name}");
        }
        assert!(!title_prefixes().is_empty());
    }

    #[test]
    fn labels_in_both_languages() {
        assert_eq!(field_of("**论文作者**"), Some(Field::Authors));
        assert_eq!(field_of("Authors"), Some(Field::Authors));
        assert_eq!(field_of("会议"), Some(Field::Venue));
        assert_eq!(field_of("Main category"), Some(Field::Category));
        assert_eq!(field_of("领域现状"), None);
    }

    #[test]
    fn tracks_and_cues() {
        assert_eq!(
            track_in("NeurIPS 2025 Workshop on X (Spotlight)"),
            Some("workshop")
        );
        assert_eq!(track_in("ACL 2025 (Oral, SAC Highlight)"), Some("oral"));
        assert_eq!(track_in("Posterior sampling"), None);
        assert!(is_venue_cue("PDF Accepted (Poster) at ICML 2025"));
        assert!(is_venue_cue("本文已被CVPR 2023收录"));
        assert!(!is_venue_cue("We propose a new method"));
    }
}
