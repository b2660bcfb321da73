//! Readability metric (design §5): how much of a text reads as language rather than mojibake.

use serde::{Deserialize, Serialize};

use super::cost::{cost, is_cp1252_extra, is_han, is_junk};
use super::tables::{is_double_moji, Tables, TABLES};

/// Readability of a text (design §5); field names follow the design (`R`, `H`, `M`).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Readability {
    /// 1 − bad/N over non-whitespace characters.
    #[serde(rename = "R")]
    pub r: f64,
    /// Share of adjacent Han pairs attested in the bigram table (None without Han pairs).
    #[serde(rename = "H")]
    pub h: Option<f64>,
    /// Mojibake markers per 1,000 non-whitespace characters.
    #[serde(rename = "M")]
    pub m: f64,
    /// Readable lines / lines with non-ASCII characters (1.0 when there are none).
    pub readable_lines: f64,
    /// Characters counted as bad (the residual suspicious characters after repair).
    #[serde(skip)]
    pub bad: usize,
}

#[derive(Default)]
struct Counts {
    n: usize,
    bad: usize,
    markers: usize,
    pairs: usize,
    attested: usize,
}

/// Computes readability (loads the scoring tables: Han costs and bigrams are needed).
pub fn readability(text: &str) -> Readability {
    let t = &*TABLES;
    let mut total = Counts::default();
    let (mut lines_na, mut lines_ok) = (0usize, 0usize);
    let mut buf = Vec::new();
    for line in text.split('\n') {
        if line.is_ascii() {
            let n = line.chars().filter(|c| !c.is_whitespace()).count();
            let bad = line
                .chars()
                .filter(|&c| (c as u32) < 0x20 && !matches!(c, '\t' | '\r') || c == '\u{7F}')
                .count();
            total.n += n;
            total.bad += bad;
            continue;
        }
        buf.clear();
        buf.extend(line.chars());
        let c = line_counts(t, &buf);
        lines_na += 1;
        let h_ok = c.pairs < 6 || c.attested as f64 >= 0.4 * c.pairs as f64;
        if c.markers == 0 && (c.bad as f64) <= 0.03 * c.n.max(1) as f64 && h_ok {
            lines_ok += 1;
        }
        total.n += c.n;
        total.bad += c.bad;
        total.markers += c.markers;
        total.pairs += c.pairs;
        total.attested += c.attested;
    }
    Readability {
        r: if total.n == 0 {
            1.0
        } else {
            1.0 - total.bad as f64 / total.n as f64
        },
        h: (total.pairs > 0).then(|| total.attested as f64 / total.pairs as f64),
        m: if total.n == 0 {
            0.0
        } else {
            total.markers as f64 * 1000.0 / total.n as f64
        },
        readable_lines: if lines_na == 0 {
            1.0
        } else {
            lines_ok as f64 / lines_na as f64
        },
        bad: total.bad,
    }
}

/// Latin-1/cp1252 letters that UTF-8-as-Latin mojibake is made of.
fn latin_run_char(c: char) -> bool {
    matches!(c as u32, 0x80..=0x17F) || is_cp1252_extra(c)
}

fn line_counts(t: &Tables, cs: &[char]) -> Counts {
    let mut k = Counts::default();
    let mut bad = vec![false; cs.len()];
    for (i, &c) in cs.iter().enumerate() {
        let u = c as u32;
        if !c.is_whitespace() {
            k.n += 1;
        }
        bad[i] = (is_junk(c) || (u < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || u == 0x7F)
            || (0x250..=0x2FF).contains(&u)
            || (is_han(c) && cost(t, c) >= 7.0);
    }
    // Runs of ≥2 Latin-mojibake characters containing at least one of U+00A0–00FF.
    let mut i = 0;
    while i < cs.len() {
        if latin_run_char(cs[i]) {
            let j = cs[i..]
                .iter()
                .position(|&c| !latin_run_char(c))
                .map_or(cs.len(), |p| i + p);
            if j - i >= 2 && cs[i..j].iter().any(|&c| matches!(c as u32, 0xA0..=0xFF)) {
                bad[i..j].iter_mut().for_each(|b| *b = true);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    k.bad = bad
        .iter()
        .zip(cs)
        .filter(|(b, c)| **b && !c.is_whitespace())
        .count();
    for w in cs.windows(2) {
        if is_han(w[0]) && is_han(w[1]) {
            k.pairs += 1;
            if t.bigram(w[0], w[1]) > 0.0 {
                k.attested += 1;
            }
        }
    }
    k.markers = markers(cs);
    k
}

const GBK_LATIN_MARKERS: [&str; 17] = [
    "£¬", "¡£", "¡¢", "£º", "£¨", "£©", "¡°", "¡±", "µÄ", "ÊÇ", "ÔÚ", "ºÍ", "ÁË", "ÓÐ", "Ò»", "Õâ",
    "ÎÒ",
];

fn low_latin(c: char) -> bool {
    matches!(c as u32, 0x80..=0xBF) || is_cp1252_extra(c)
}

/// Counts the §5 mojibake markers in a line.
fn markers(cs: &[char]) -> usize {
    let mut m = 0;
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let next = cs.get(i + 1).copied();
        let u = c as u32;
        if c == '\u{FFFD}' {
            m += 1;
            i += 1;
            continue;
        }
        // UTF-8 as Latin.
        if (0xC2..=0xDF).contains(&u) && next.is_some_and(low_latin) {
            m += 1;
            i += 2;
            continue;
        }
        if ((0xE0..=0xEF).contains(&u) || matches!(c, 'İ' | 'ı' | 'Ğ' | 'ğ'))
            && next.is_some_and(low_latin)
        {
            m += 1;
            i += if cs.get(i + 2).copied().is_some_and(low_latin) {
                3
            } else {
                2
            };
            continue;
        }
        if matches!(c, 'ð' | 'ğ') && next.is_some_and(|n| low_latin(n) || n == 'Ÿ') {
            m += 1;
            i += 2;
            continue;
        }
        // GBK as Latin.
        if let Some(n) = next {
            if GBK_LATIN_MARKERS.iter().any(|mk| {
                let mut it = mk.chars();
                it.next() == Some(c) && it.next() == Some(n)
            }) {
                m += 1;
                i += 2;
                continue;
            }
        }
        // UTF-8 as GBK.
        if matches!(c, '鐨' | '鏄' | '鍦') {
            m += 1;
            i += 1;
            continue;
        }
        if matches!(c, '锛' | '銆' | '涓' | '浜' | '鈥') && next.is_some() {
            m += 1;
            i += 2;
            continue;
        }
        if c == '锟' && next == Some('斤') && cs.get(i + 2) == Some(&'拷') {
            m += 1;
            i += 3;
            continue;
        }
        // Double chain: runs of ≥3 of its 128 characters.
        if is_double_moji(c) {
            let j = cs[i..]
                .iter()
                .position(|&c| !is_double_moji(c))
                .map_or(cs.len(), |p| i + p);
            if j - i >= 3 {
                m += 1;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_reads_well_and_mojibake_does_not() {
        let clean =
            readability("对比学习在 NeurIPS 2023 上很热门，联邦学习也是。\nJérôme Müller — café");
        assert!(clean.r > 0.99, "{clean:?}");
        assert_eq!(clean.m, 0.0);
        assert_eq!(clean.readable_lines, 1.0);
        let broken = readability("è”é‚¦å¦ä¹ åœ¨CVPR 2023ä¸Š\n¹þ¹þ£¬ÂÛÎÄ½â¶Á\n莽戮聨氓聸垄忙聤聙");
        assert!(
            broken.r < 0.8 && broken.m > 10.0 && broken.readable_lines == 0.0,
            "{broken:?}"
        );
    }
}
