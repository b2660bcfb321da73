//! Venue names: one canonical acronym per venue, from the table in `index-schema/venues.toml`.

use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::HashMap;

/// A venue as the table describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Venue {
    /// Canonical acronym shown to users and stored in the index.
    pub name: String,
    /// Full name, for citations.
    pub full: String,
    /// `conference`, `journal` or `preprint`.
    pub kind: String,
    /// Other spellings.
    #[serde(default)]
    pub aliases: Vec<String>,
}

#[derive(Deserialize)]
struct VenueFile {
    venue: Vec<Venue>,
}

/// The venue table as shipped in `index-schema/venues.toml`.
pub const VENUES_TOML: &str = include_str!("../../index-schema/venues.toml");

struct VenueTable {
    venues: Vec<Venue>,
    by_key: HashMap<String, usize>,
}

static TABLE: Lazy<VenueTable> = Lazy::new(|| {
    // The file ships inside the binary and a unit test parses it, so a failure here is a build defect.
    let file: VenueFile =
        toml::from_str(VENUES_TOML).expect("index-schema/venues.toml is valid (tested)");
    let mut by_key = HashMap::new();
    for (i, v) in file.venue.iter().enumerate() {
        by_key.insert(key(&v.name), i);
        for a in &v.aliases {
            by_key.insert(key(a), i);
        }
    }
    VenueTable {
        venues: file.venue,
        by_key,
    }
});

/// Folds a spelling to its lookup key: lowercase, with spaces, dots, hyphens and underscores removed.
fn key(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '_' | '\u{3000}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The canonical acronym for a venue spelling (`nips` → `NeurIPS`), or `None` when unknown.
pub fn normalize(spelling: &str) -> Option<&'static str> {
    let t: &'static VenueTable = &TABLE;
    t.by_key
        .get(&key(spelling.trim()))
        .map(|&i| t.venues[i].name.as_str())
}

/// The table entry for a canonical acronym.
pub fn lookup(name: &str) -> Option<&'static Venue> {
    let t: &'static VenueTable = &TABLE;
    t.by_key.get(&key(name)).map(|&i| &t.venues[i])
}

/// Every venue in the table.
pub fn all() -> &'static [Venue] {
    &TABLE.venues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_fold_to_one_acronym() {
        assert_eq!(normalize("nips"), Some("NeurIPS"));
        assert_eq!(normalize("NEURIPS"), Some("NeurIPS"));
        assert_eq!(normalize("Neur IPS"), Some("NeurIPS"));
        assert_eq!(normalize("cvpr"), Some("CVPR"));
        assert_eq!(normalize("acm-mm"), Some("ACM MM"));
        assert_eq!(normalize("Foo Workshop"), None);
    }

    #[test]
    fn no_alias_names_two_venues() {
        let mut seen = HashMap::new();
        for v in all() {
            for s in std::iter::once(&v.name).chain(&v.aliases) {
                if let Some(prev) = seen.insert(key(s), v.name.clone()) {
                    assert_eq!(prev, v.name, "alias {s:?} names both {prev} and {}", v.name);
                }
            }
        }
    }
}
