//! Character costs and context terms (design §4.2): the score every repair decision compares.

use super::tables::Tables;

/// Minimum PMI of a pair that occurs inside a dictionary word.
const ATTESTED_FLOOR: f32 = 0.5;
/// Cost of an unknown BMP Han character.
const HAN_UNKNOWN_BMP: f32 = 8.0;
/// Cost of an unknown Han character outside the BMP.
const HAN_UNKNOWN_SUPP: f32 = 9.0;

/// True for the Han ranges of §4.2.
#[inline]
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x20000..=0x2FFFF | 0xF900..=0xFAFF)
}

/// True for a windows-1252 extra (the printable characters of 0x80–0x9F).
#[inline]
pub(crate) fn is_cp1252_extra(c: char) -> bool {
    matches!(
        c,
        '€' | '‚'
            | 'ƒ'
            | '„'
            | '…'
            | '†'
            | '‡'
            | 'ˆ'
            | '‰'
            | 'Š'
            | '‹'
            | 'Œ'
            | 'Ž'
            | '‘'
            | '’'
            | '“'
            | '”'
            | '•'
            | '–'
            | '—'
            | '˜'
            | '™'
            | 'š'
            | '›'
            | 'œ'
            | 'ž'
            | 'Ÿ'
    )
}

/// True for code points that never belong in text: C1, U+FFFD, private use, surrogates, non-characters.
#[inline]
pub(crate) fn is_junk(c: char) -> bool {
    let u = c as u32;
    matches!(u, 0x80..=0x9F | 0xFFFD | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFDD0..=0xFDEF)
        || (u & 0xFFFE) == 0xFFFE
}

/// Context-free cost of one character (§4.2 table); lower means more plausible.
#[inline]
pub(crate) fn cost(t: &Tables, c: char) -> f32 {
    let u = c as u32;
    if u < 0x80 {
        return if (0x20..0x7F).contains(&u) || matches!(c, '\t' | '\n' | '\r') {
            0.5
        } else {
            8.0
        };
    }
    if u < LOW_END {
        return LOW_COST[u as usize];
    }
    if is_han(c) {
        return t.han_cost(c).unwrap_or(if u > 0xFFFF {
            HAN_UNKNOWN_SUPP
        } else {
            HAN_UNKNOWN_BMP
        });
    }
    static_cost(c)
}

/// End of the code points whose cost comes from [`LOW_COST`] (the first Han block starts here).
const LOW_END: u32 = 0x3400;

/// `static_cost` of every code point below [`LOW_END`]: the Viterbi asks for the cost of each
/// mojibake character once per state, and `static_cost` is a long chain of tests.
static LOW_COST: once_cell::sync::Lazy<Vec<f32>> = once_cell::sync::Lazy::new(|| {
    // The ASCII entries are never read: `cost` answers ASCII first.
    (0..LOW_END)
        .map(|u| char::from_u32(u).map_or(8.0, static_cost))
        .collect()
});

/// Cost of a non-ASCII, non-Han character (no table needed).
pub(crate) fn static_cost(c: char) -> f32 {
    let u = c as u32;
    if is_junk(c) {
        return 8.0;
    }
    match c {
        '，' => return 0.8,
        '。' => return 0.9,
        '、' | '“' | '”' => return 1.3,
        '：' => return 1.4,
        '（' | '）' => return 1.5,
        '；' | '！' | '？' => return 1.8,
        '《' | '》' => return 2.0,
        '\u{3000}' => return 2.5,
        '‘' | '’' | '–' | '—' | '•' | '…' | '·' | '′' | '″' | '→' | '←' | '↑' | '↓' | '※' | '×'
        | '÷' | '°' | '±' | '「' | '」' | '『' | '』' | '【' | '】' | '〈' | '〉' => {
            return 1.5
        }
        // Rating stars and check marks are the commonest symbols in paper notes (⭐ more than
        // the em dash in the shared corpus). Cheaper than other symbols, so a lost-bytes ⭐
        // (E2 AD 90 with AD and 90 dropped) is restored as ⭐ and not as U+2041 or similar.
        '⭐' | '★' | '☆' | '✓' | '✗' | '✔' | '✅' | '❌' => return 1.5,
        // Scientific notation (8.34×10⁻¹²): superscript digits are ordinary in papers.
        '¹' | '²' | '³' | '\u{2070}'..='\u{2079}' => return 1.5,
        '\u{A0}' => return 2.0,
        '©' | '®' | '§' | 'µ' => return 3.0,
        _ => {}
    }
    if is_cp1252_extra(c) {
        return 5.0;
    }
    match u {
        0x3001..=0x303F | 0xFF01..=0xFF5E => 1.5,
        0xA1..=0xBF => 5.0,
        0xC0..=0xFF => 4.0,
        0x100..=0x24F => 5.0,
        0x370..=0x4FF => 4.0,
        0x250..=0x36F | 0x500..=0x7FF => 6.0,
        0x3040..=0x30FF
        | 0x31F0..=0x31FF
        | 0xFF66..=0xFF9F
        | 0xAC00..=0xD7A3
        | 0x1100..=0x11FF
        | 0x3130..=0x318F => 4.0,
        0x200B..=0x200D | 0xFE0F => 2.5,
        0x2000..=0x206F
        | 0x20A0..=0x2BFF
        | 0x1F000..=0x1FAFF
        | 0xFF5F..=0xFF65
        | 0xFFE0..=0xFFEE => 2.5,
        _ => {
            if c.is_numeric() || c.is_ascii_punctuation() {
                2.5
            } else if is_format_or_combining(u) {
                6.0
            } else {
                5.0
            }
        }
    }
}

/// Combining marks and format characters outside the ranges handled above.
fn is_format_or_combining(u: u32) -> bool {
    matches!(u, 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F | 0xFE00..=0xFE0E | 0xFEFF)
}

/// Characters that may take part in Latin mojibake: class 2 (U+00A0–00FF) or class 1.
#[inline]
pub(crate) fn moji_class(c: char) -> u8 {
    let u = c as u32;
    match u {
        // Superscript digits and the units/operators of scientific text (360°×180°, 10⁻¹²)
        // stand beside numbers, not in mojibake runs (see `cost`).
        0xB0 | 0xB1 | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xD7 | 0xF7 => 0,
        0xA0..=0xFF => 2,
        0x80..=0x9F | 0x100..=0x2FF => 1,
        _ if is_cp1252_extra(c) => 1,
        _ => 0,
    }
}

/// Penalty for two adjacent "moji" characters with at least one of class 2 (§4.2).
#[inline]
pub(crate) fn pair_pen(a: char, b: char) -> f32 {
    let (ca, cb) = (moji_class(a), moji_class(b));
    if ca > 0 && cb > 0 && (ca == 2 || cb == 2) {
        2.0
    } else {
        0.0
    }
}

/// True when the pair may have a PMI: both characters at or above U+2E80 (CJK).
#[inline]
fn has_pmi(a: char, b: char) -> bool {
    (a as u32) >= 0x2E80 && (b as u32) >= 0x2E80
}

/// Pointwise mutual information of `b` after `a`, clamped to [0, 3] (§4.2).
#[inline]
pub(crate) fn pmi(t: &Tables, a: char, b: char) -> f32 {
    if !has_pmi(a, b) {
        return 0.0;
    }
    let ca = t.count(t.t2s(a));
    let cb = t.count(t.t2s(b));
    if ca < 20.0 || cb < 20.0 {
        return 0.0;
    }
    let pb = cb / t.total as f32;
    let bg = t.bigram(a, b);
    let p = (bg + 50.0 * pb) / (ca + 50.0);
    // A pair attested inside some dictionary word earns a floor: the dictionary's word
    // frequencies are too low for rare-but-real pairs (时序) to beat chance otherwise.
    let floor = if bg > 0.0 { ATTESTED_FLOOR } else { 0.0 };
    (p / pb).log10().clamp(floor, 3.0)
}

/// Cost of emitting `c` after `prev` (`None` at the start of a line).
#[inline]
pub(crate) fn emit(t: &Tables, prev: Option<char>, c: char) -> f32 {
    let base = cost(t, c);
    match prev {
        Some(p) => base - pmi(t, p, c),
        None => base,
    }
}

/// Slots of the emit cache (a power of two).
const EMIT_CACHE: usize = 1 << 15;

/// Direct-mapped cache of `emit(prev, c)` (prev `'\0'` for none). `emit` is a pure function of
/// the tables, so one cache per thread serves every line and chain: the same pairs recur
/// across lines, and a per-line cache paid for its own allocation on short lines. It is
/// emptied when a thread moves to other tables (`Tables::id`).
pub(crate) struct EmitCache {
    tables: u64,
    slots: Vec<(u64, f32)>,
}

thread_local! {
    static EMIT: std::cell::Cell<Option<Box<EmitCache>>> = const { std::cell::Cell::new(None) };
}

impl EmitCache {
    /// Takes this thread's cache for `t` (a fresh one when it is out); give it back with
    /// [`EmitCache::put`].
    pub(crate) fn take(t: &Tables) -> Box<EmitCache> {
        let mut cache = EMIT.with(|c| c.take()).unwrap_or_else(|| {
            Box::new(EmitCache {
                tables: t.id,
                slots: vec![(u64::MAX, 0.0); EMIT_CACHE],
            })
        });
        if cache.tables != t.id {
            cache.slots.fill((u64::MAX, 0.0));
            cache.tables = t.id;
        }
        cache
    }

    /// Returns the cache to this thread.
    pub(crate) fn put(self: Box<Self>) {
        EMIT.with(|c| c.set(Some(self)));
    }

    /// `emit(prev, c)` with `'\0'` for no previous character, cached.
    #[inline]
    pub(crate) fn emit(&mut self, t: &Tables, prev: char, c: char) -> f32 {
        // Most mojibake characters take this path.
        if !has_pmi(prev, c) {
            return cost(t, c);
        }
        let key = (u64::from(prev as u32) << 32) | u64::from(c as u32);
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & (EMIT_CACHE - 1);
        let e = self.slots[slot];
        if e.0 == key {
            return e.1;
        }
        let v = emit(t, (prev != '\0').then_some(prev), c);
        self.slots[slot] = (key, v);
        v
    }
}

/// Cost of a whole string as written: Σ emit + Σ pair_pen.
pub(crate) fn text_cost(t: &Tables, s: &str) -> f32 {
    let mut cache = EmitCache::take(t);
    let mut prev = '\0';
    let mut total = 0.0;
    for c in s.chars() {
        total += cache.emit(t, prev, c);
        if prev != '\0' {
            total += pair_pen(prev, c);
        }
        prev = c;
    }
    cache.put();
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::tables::TABLES;

    #[test]
    fn costs_follow_the_table() {
        let t = &*TABLES;
        assert_eq!(cost(t, 'a'), 0.5);
        assert_eq!(cost(t, '\u{1}'), 8.0);
        assert_eq!(cost(t, '\u{FFFD}'), 8.0);
        assert_eq!(cost(t, '，'), 0.8);
        assert_eq!(cost(t, 'é'), 4.0);
        assert_eq!(cost(t, '€'), 5.0);
        assert_eq!(cost(t, '©'), 3.0);
        assert!(cost(t, '学') < 4.0);
        assert!(pmi(t, '学', '习') > 1.0);
        assert!(text_cost(t, "联邦学习") < text_cost(t, "è”é‚¦å¦ä¹ "));
    }
}
