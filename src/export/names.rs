//! Person names as citation formats want them: family and given parts where the spelling
//! allows it, else the name as one literal.
//!
//! Names arrive as written on summary pages: `Given Family` (`Kaiming He`), `Family, Given`
//! (`He, Kaiming`), or in Han characters (`何恺明`), which have no reliable split without a
//! dictionary and are kept whole.

use crate::analyze::is_han;
use unicode_normalization::UnicodeNormalization;

/// A name split for citation formats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    /// A Latin-script name with a family part.
    Parts {
        /// Family name without particle (`Beethoven`).
        family: String,
        /// Given names (`Ludwig`), empty when only a family name was written.
        given: String,
        /// Lowercase particle before the family name (`van`), kept with it in citations.
        particle: String,
        /// Generational suffix (`Jr.`, `III`).
        suffix: String,
    },
    /// A name kept whole: Han, Hangul or Kana script, or a single word.
    Literal(String),
}

/// Particles that belong to the family name when written in lowercase before it.
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "dos", "das", "la", "le",
    "ter", "ten", "al", "el", "bin", "ibn", "zu", "y",
];

/// Generational suffixes written after the family name.
const SUFFIXES: &[&str] = &["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"];

/// Whether `c` is in a script whose names are not written `Given Family` with spaces.
fn is_east_asian(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F | 0x3040..=0x30FF | 0x31F0..=0x31FF)
}

/// Splits a name into family and given parts where its spelling allows it.
pub fn split(name: &str) -> Name {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    // `Research and Development`, `AI & Society`: an organisation, not a person.
    let organisation = name
        .split(' ')
        .any(|w| w.eq_ignore_ascii_case("and") || w == "&");
    if name.is_empty() || organisation || name.chars().any(is_east_asian) {
        return Name::Literal(name);
    }
    if let Some((family, given)) = name.split_once(',') {
        // `Family, Given` or `Family, Jr., Given`: BibTeX's own forms.
        let (family, given) = (family.trim(), given.trim());
        let (suffix, given) = match given.split_once(',') {
            Some((s, g)) => (s.trim(), g.trim()),
            None => ("", given),
        };
        if family.is_empty() {
            return Name::Literal(name);
        }
        let (particle, family) = take_particle(family);
        return Name::Parts {
            family: family.to_string(),
            given: given.to_string(),
            particle: particle.to_string(),
            suffix: suffix.to_string(),
        };
    }
    let mut words: Vec<&str> = name.split(' ').collect();
    let mut suffix = "";
    if words.len() >= 3 {
        if let Some(last) = words.last() {
            if SUFFIXES.contains(&last.to_lowercase().as_str()) {
                suffix = last;
                words.pop();
            }
        }
    }
    if words.len() < 2 {
        return Name::Literal(name);
    }
    let family_at = words.len() - 1;
    // Particles run back from the family name, but the first word is always a given name.
    let mut particle_at = family_at;
    while particle_at > 1 && PARTICLES.contains(&words[particle_at - 1]) {
        particle_at -= 1;
    }
    Name::Parts {
        family: words[family_at].to_string(),
        given: words[..particle_at].join(" "),
        particle: words[particle_at..family_at].join(" "),
        suffix: suffix.to_string(),
    }
}

/// The name in reading order (`Müller, Hans` → `Hans Müller`), for display.
pub fn display(name: &str) -> String {
    match split(name) {
        Name::Parts {
            family,
            given,
            particle,
            suffix,
        } => [
            given.as_str(),
            particle.as_str(),
            family.as_str(),
            suffix.as_str(),
        ]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" "),
        Name::Literal(l) => l,
    }
}

/// Splits `van der Berg` into (`van der`, `Berg`).
fn take_particle(family: &str) -> (&str, &str) {
    let mut rest = family;
    let mut end = 0;
    while let Some((w, tail)) = rest.split_once(' ') {
        if !PARTICLES.contains(&w) {
            break;
        }
        end += w.len() + 1;
        rest = tail;
    }
    (family[..end].trim_end(), rest)
}

/// Folds text to lowercase ASCII letters and digits: accents dropped (`Müller` → `muller`),
/// common ligatures spelled out, everything else removed.
pub fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ł' | 'Ł' => out.push('l'),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(family: &str, given: &str, particle: &str, suffix: &str) -> Name {
        Name::Parts {
            family: family.into(),
            given: given.into(),
            particle: particle.into(),
            suffix: suffix.into(),
        }
    }

    #[test]
    fn splits() {
        assert_eq!(split("Kaiming He"), parts("He", "Kaiming", "", ""));
        assert_eq!(split("He, Kaiming"), parts("He", "Kaiming", "", ""));
        assert_eq!(
            split("J. R. R. Tolkien"),
            parts("Tolkien", "J. R. R.", "", "")
        );
        assert_eq!(
            split("Ludwig van Beethoven"),
            parts("Beethoven", "Ludwig", "van", "")
        );
        assert_eq!(
            split("van der Berg, Anna"),
            parts("Berg", "Anna", "van der", "")
        );
        assert_eq!(
            split("Martin Luther King Jr."),
            parts("King", "Martin Luther", "", "Jr.")
        );
        assert_eq!(split("何恺明"), Name::Literal("何恺明".into()));
        assert_eq!(split("Zhang 伟"), Name::Literal("Zhang 伟".into()));
        assert_eq!(split("Plato"), Name::Literal("Plato".into()));
        assert_eq!(split("  Alice   Moreau "), parts("Moreau", "Alice", "", ""));
        assert_eq!(
            split("Research and Development"),
            Name::Literal("Research and Development".into())
        );
        assert_eq!(display("Müller, Hans"), "Hans Müller");
        assert_eq!(display("van der Berg, Anna"), "Anna van der Berg");
        assert_eq!(display("何恺明"), "何恺明");
    }

    #[test]
    fn folds() {
        assert_eq!(ascii_fold("Müller"), "muller");
        assert_eq!(ascii_fold("Łukasz Kaiser"), "lukaszkaiser");
        assert_eq!(ascii_fold("Straße"), "strasse");
        assert_eq!(ascii_fold("ＧＮＮ"), "gnn");
        assert_eq!(ascii_fold("何恺明"), "");
    }
}
