//! Character folding shared by indexing and querying: full-width → ASCII, lowercase,
//! diacritics stripped from Latin letters, traditional → simplified Han.

use once_cell::sync::Lazy;
use std::collections::HashMap;
use unicode_normalization::char::decompose_compatible;

/// The traditional→simplified table as shipped in `index-schema/t2s.txt`.
pub const T2S_TXT: &str = include_str!("../../index-schema/t2s.txt");

static T2S: Lazy<HashMap<char, char>> = Lazy::new(|| {
    T2S_TXT
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let t = it.next()?.chars().next()?;
            let s = it.next()?.chars().next()?;
            Some((t, s))
        })
        .collect()
});

/// True for CJK ideographs (the blocks the design's cost table calls Han).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2FFFF | 0xF900..=0xFAFF | 0x3007)
}

/// The simplified form of a Han character (itself when it has none).
pub fn t2s(c: char) -> char {
    if (c as u32) < 0x3400 {
        return c;
    }
    T2S.get(&c).copied().unwrap_or(c)
}

/// Every character that folds to the Han character `c`: itself and its traditional forms.
pub fn han_variants(c: char) -> Vec<char> {
    let mut v = vec![c];
    v.extend(T2S.iter().filter(|&(_, &s)| s == c).map(|(&t, _)| t));
    v
}

/// Folds one character for matching. Returns `None` for characters that only separate
/// tokens (whitespace, punctuation, symbols); otherwise the folded character. Characters
/// whose compatibility form is several letters (`ﬁ`) fold to their first letter only, a
/// loss we accept for the sake of 1:1 offsets.
pub fn fold_char(c: char) -> Option<char> {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Some(c.to_ascii_lowercase())
        } else {
            None
        };
    }
    if is_han(c) {
        return Some(t2s(c));
    }
    // Full-width ASCII forms (ＣＶＰＲ２０２３).
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        let a = char::from_u32(c as u32 - 0xFEE0)?;
        return fold_char(a);
    }
    if c.is_alphanumeric() {
        // Compatibility decomposition, then drop combining marks: é → e, ｶ → カ, ² → 2.
        let mut base = None;
        decompose_compatible(c, |d| {
            if base.is_none() && d.is_alphanumeric() {
                base = Some(d);
            }
        });
        let b = base.unwrap_or(c);
        return b.to_lowercase().next();
    }
    None
}

/// Folds a whole string the way the index sees it (separators become single spaces).
pub fn fold_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut sep = false;
    for c in s.chars() {
        match fold_char(c) {
            Some(f) => {
                if sep && !out.is_empty() {
                    out.push(' ');
                }
                sep = false;
                out.push(f);
            }
            None => sep = true,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_folds_to_ascii() {
        assert_eq!(fold_str("ＣＶＰＲ２０２３"), "cvpr2023");
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(fold_str("聯邦學習"), "联邦学习");
    }

    #[test]
    fn accents_fold_and_punctuation_separates() {
        assert_eq!(fold_str("Jérôme Müller — “naïve”"), "jerome muller naive");
    }

    #[test]
    fn t2s_table_is_well_formed() {
        let n = T2S_TXT.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(
            T2S.len(),
            n,
            "every line of index-schema/t2s.txt is one pair"
        );
    }
}
