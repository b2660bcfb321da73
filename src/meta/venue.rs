//! Venue names: one canonical acronym per venue, from the table in `index-schema/venues.toml`.

use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
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

/// A venue named in some text: canonical acronym, year when stated, track when stated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Canonical acronym (`CVPR`).
    pub venue: &'static str,
    /// Year next to the name (`CVPR 2023`, `CVPR2023`, `CVPR'23`).
    pub year: Option<u16>,
    /// Track named in the same text (`oral`, `findings`…), see `meta::labels::track_in`.
    pub track: Option<&'static str>,
}

/// One ASCII alphanumeric run of a text, with its byte span.
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            // Byte offsets are on ASCII boundaries, so slicing is safe.
            out.push(Token {
                text: &text[start..i],
                start,
                end: i,
            });
        } else {
            i += 1;
        }
    }
    out
}

/// A plausible publication year (4 digits) or a 2-digit short form.
fn year_of(digits: &str) -> Option<u16> {
    let y: u16 = digits.parse().ok()?;
    match digits.len() {
        4 if (1980..=2039).contains(&y) => Some(y),
        2 => Some(2000 + y),
        _ => None,
    }
}

/// Splits `CVPR2023` / `CVPR23` into name and year; tokens without a trailing year stay whole.
fn split_year(tok: &str) -> (&str, Option<u16>) {
    let digits = tok.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 2 || digits == 4 {
        let cut = tok.len() - digits;
        if cut > 0 {
            if let Some(y) = year_of(&tok[cut..]) {
                return (&tok[..cut], Some(y));
            }
        }
    }
    (tok, None)
}

/// Short acronyms are common words (`MM`, `ACL`, `WWW`, `RSS`): trust them only when written in
/// capitals or next to a year.
fn plausible(written: &str, year: Option<u16>) -> bool {
    written.len() > 3 || year.is_some() || !written.bytes().any(|c| c.is_ascii_lowercase())
}

/// The year that follows a venue name at byte `end` of `text`: ` 2023`, `'23`, `’23`, `-2023`.
fn year_after(text: &str, toks: &[Token<'_>], next: usize, end: usize) -> Option<u16> {
    let t = toks.get(next)?;
    let gap = text.get(end..t.start)?;
    if gap.chars().count() > 2
        || !gap
            .chars()
            .all(|c| matches!(c, ' ' | '\'' | '’' | '-' | '_' | '\u{3000}' | '@'))
    {
        return None;
    }
    if t.text.len() == 2 && !(gap.contains('\'') || gap.contains('’')) {
        return None;
    }
    year_of(t.text)
}

fn scan(text: &str, need_year: bool) -> Option<Mention> {
    let t: &'static VenueTable = &TABLE;
    let toks = tokens(text);
    let mut first_without_year: Option<(Mention, usize)> = None;
    for i in 0..toks.len() {
        // Longest match first: full names span several tokens.
        for span in (1..=6usize).rev() {
            let Some(last) = toks.get(i + span - 1) else {
                continue;
            };
            let mut joined = String::new();
            for tk in &toks[i..i + span] {
                joined.push_str(tk.text);
            }
            let (name, attached) = if span == 1 {
                split_year(&joined)
            } else {
                (joined.as_str(), None)
            };
            let Some(&idx) = t.by_key.get(&name.to_ascii_lowercase()) else {
                continue;
            };
            let year = attached.or_else(|| year_after(text, &toks, i + span, last.end));
            let written = if span == 1 {
                &toks[i].text[..name.len()]
            } else {
                name
            };
            if !plausible(written, year) {
                continue;
            }
            let m = Mention {
                venue: t.venues[idx].name.as_str(),
                year,
                track: crate::meta::labels::track_in(text),
            };
            if year.is_some() {
                return Some(m);
            }
            if !need_year && first_without_year.is_none() {
                first_without_year = Some((m, last.end));
            }
            break;
        }
    }
    let (mut m, end) = first_without_year?;
    // `会议: CVPR (2023)`: a year elsewhere in a labelled line still belongs to the venue.
    m.year = tokens(&text[end..]).iter().find_map(|tk| {
        if tk.text.len() == 4 {
            year_of(tk.text)
        } else {
            None
        }
    });
    Some(m)
}

/// The first venue named together with its year (`CVPR 2023`, `NeurIPS2025`, `ICML'24`) in free
/// text such as a page title, a tag or a folder name. A bare acronym is not enough there:
/// body text says "on CVPR benchmarks" too.
pub fn find_in(text: &str) -> Option<Mention> {
    scan(text, true)
}

/// The venue a labelled line names (`**会议**: CVPR 2025 (Highlight)`, `Accepted at ICML`):
/// like [`find_in`] but the year is optional, since the label already says it is a venue.
pub fn find_in_labelled(text: &str) -> Option<Mention> {
    scan(text, false)
}

static ACL_ANTHOLOGY: Lazy<regex::Regex> = Lazy::new(|| {
    regex::Regex::new(r"aclanthology\.org/(\d{4})\.([a-z]+)-([a-z]+)").expect("static regex")
});

/// The venue and year a paper URL encodes: `openaccess.thecvf.com/content/CVPR2023/…`,
/// `aclanthology.org/2023.findings-emnlp.1`, `proceedings.neurips.cc/paper/2023/…`.
pub fn from_url(url: &str) -> Option<Mention> {
    if let Some(c) = ACL_ANTHOLOGY.captures(url) {
        let year = c.get(1).and_then(|m| year_of(m.as_str()));
        let (name, track) = match c.get(2).map(|m| m.as_str()) {
            Some("findings") => (c.get(3).map_or("", |m| m.as_str()), Some("findings")),
            Some(v) => (v, None),
            None => ("", None),
        };
        return normalize(name).map(|venue| Mention { venue, year, track });
    }
    // Host and path, without the scheme and the `www.` that would read as the WWW conference.
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    if let Some(m) = find_in(rest) {
        return Some(Mention { track: None, ..m });
    }
    let m = find_in_labelled(rest)?;
    // Proceedings sites put the year in its own path segment.
    let year = tokens(rest).iter().find_map(|t| {
        if t.text.len() == 4 {
            year_of(t.text)
        } else {
            None
        }
    });
    Some(Mention {
        venue: m.venue,
        year,
        track: None,
    })
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

    #[test]
    fn finds_venue_with_year_in_free_text() {
        let m = find_in("CVPR 2023 | 三篇论文解读").unwrap();
        assert_eq!((m.venue, m.year), ("CVPR", Some(2023)));
        assert_eq!(find_in("NeurIPS2025").unwrap().year, Some(2025));
        assert_eq!(find_in("ICML'24 paper").unwrap().year, Some(2024));
        assert_eq!(find_in("evaluated on CVPR benchmarks"), None);
        assert_eq!(find_in("visit www.example.com 2023"), None);
        let m = find_in("SPIGM@NeurIPS 2025 / AAAI 2026 (Oral)").unwrap();
        assert_eq!(
            (m.venue, m.year, m.track),
            ("NeurIPS", Some(2025), Some("oral"))
        );
        let m = find_in("Advances in Neural Information Processing Systems 2022").unwrap();
        assert_eq!((m.venue, m.year), ("NeurIPS", Some(2022)));
    }

    #[test]
    fn labelled_lines_need_no_year() {
        let m = find_in_labelled("CVPR (Highlight)").unwrap();
        assert_eq!(
            (m.venue, m.year, m.track),
            ("CVPR", None, Some("highlight"))
        );
        let m = find_in_labelled("PDF Accepted (Poster) at ICML 2025").unwrap();
        assert_eq!(
            (m.venue, m.year, m.track),
            ("ICML", Some(2025), Some("poster"))
        );
        let m = find_in_labelled("ACL 2025 (Findings)").unwrap();
        assert_eq!(m.track, Some("findings"));
    }

    #[test]
    fn venue_from_urls() {
        let m =
            from_url("https://openaccess.thecvf.com/content/CVPR2023/papers/X_CVPR_2023_paper.pdf")
                .unwrap();
        assert_eq!((m.venue, m.year), ("CVPR", Some(2023)));
        let m = from_url("https://aclanthology.org/2023.findings-emnlp.12.pdf").unwrap();
        assert_eq!(
            (m.venue, m.year, m.track),
            ("EMNLP", Some(2023), Some("findings"))
        );
        let m = from_url("https://proceedings.neurips.cc/paper_files/paper/2023/hash/abc.html")
            .unwrap();
        assert_eq!((m.venue, m.year), ("NeurIPS", Some(2023)));
        assert_eq!(from_url("https://www.example.com/a"), None);
    }
}
