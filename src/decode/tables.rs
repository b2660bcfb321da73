//! Data compiled into the binary (design §4.1): Han character costs, unigram and bigram counts, t2s.
//!
//! Everything heavy sits behind one `Lazy`, so clean text — which the per-line gate lets through
//! without scoring — never pays for building it. The gate's own data (`MOJI`) is a plain static.

use once_cell::sync::Lazy;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::model::DomainCounts;

const UNIGRAM_BIN: &[u8] = include_bytes!("data/unigram.bin");
const BIGRAM_BIN: &[u8] = include_bytes!("data/bigram.bin");
const MOJI_BIN: &[u8; 16384] = include_bytes!("data/moji.bin");
const T2S_TXT: &str = include_str!("../../index-schema/t2s.txt");

/// First BMP code point covered by the dense Han arrays (CJK Extension A).
pub(crate) const HAN_LO: u32 = 0x3400;
/// One past the last code point covered by the dense Han arrays.
pub(crate) const HAN_HI: u32 = 0xA000;
/// Han characters of clean in-domain text at which it weighs as much as the whole dictionary;
/// less text weighs proportionally less (a few notes must not outvote the dictionary).
const DOMAIN_FULL_WEIGHT: f64 = 1_000_000.0;

/// Multiplicative hasher for integer keys: the bigram map is hit on every scored character pair.
#[derive(Default, Clone, Copy)]
pub(crate) struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (u64::from(n))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
}

/// Hash map keyed by small integers with [`IntHasher`].
pub(crate) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// The scoring tables, built once on first use.
pub(crate) struct Tables {
    /// Identifies these tables in per-thread caches (0: the shipped ones).
    pub id: u64,
    /// `han_cost` for U+3400..U+9FFF (0.0 = unknown).
    han_cost: Vec<f32>,
    /// Unigram counts (after the traditional adjustment) for U+3400..U+9FFF.
    uni: Vec<f32>,
    /// Sum of all unigram counts (the corpus size N).
    pub total: f64,
    /// Bigram counts keyed by `(a << 16) | b` of t2s-mapped BMP characters.
    bigram: IntMap<u32, f32>,
    /// Traditional → simplified for U+3400..U+9FFF (0 = same character).
    t2s_dense: Vec<u32>,
    /// Traditional → simplified outside the dense range.
    t2s: IntMap<u32, char>,
    /// Successors of each dense-range character in `bigram`, most frequent first, as
    /// `succ[succ_at[a]..succ_at[a + 1]]`: the restorations a left neighbour makes likely.
    succ_at: Vec<u32>,
    succ: Vec<u16>,
    /// Predecessors, the same way: the restorations a right neighbour makes likely.
    pred_at: Vec<u32>,
    pred: Vec<u16>,
}

static LOADED: AtomicBool = AtomicBool::new(false);

/// True once the scoring tables have been built (tests check clean text never builds them).
pub fn tables_loaded() -> bool {
    LOADED.load(Ordering::Relaxed)
}

/// The lazily built scoring tables.
pub(crate) static TABLES: Lazy<Tables> = Lazy::new(|| {
    LOADED.store(true, Ordering::Relaxed);
    Tables::build(None)
});

/// Ids of refreshed tables (the shipped ones are 0).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Parses `T S` lines of the traditional → simplified table.
pub(crate) fn parse_t2s() -> impl Iterator<Item = (char, char)> {
    T2S_TXT.lines().filter_map(|line| {
        let mut it = line.split_whitespace();
        let t = single_char(it.next()?)?;
        let s = single_char(it.next()?)?;
        Some((t, s))
    })
}

fn single_char(s: &str) -> Option<char> {
    let mut cs = s.chars();
    let c = cs.next()?;
    cs.next().is_none().then_some(c)
}

impl Tables {
    /// The shipped tables, plus `domain`'s counts when given (design §4.1: the in-domain
    /// refresh from clean documents).
    pub(crate) fn build(domain: Option<&DomainCounts>) -> Tables {
        let n = (HAN_HI - HAN_LO) as usize;
        let mut uni = vec![0f32; n];
        let mut total = 0f64;
        for rec in UNIGRAM_BIN.chunks_exact(6) {
            let c = u32::from(u16::from_le_bytes([rec[0], rec[1]]));
            let f = u32::from_le_bytes([rec[2], rec[3], rec[4], rec[5]]);
            total += f64::from(f);
            if (HAN_LO..HAN_HI).contains(&c) {
                uni[(c - HAN_LO) as usize] = f as f32;
            }
        }
        let mut t2s = IntMap::default();
        let mut t2s_dense = vec![0u32; n];
        for (t, s) in parse_t2s() {
            if (HAN_LO..HAN_HI).contains(&(t as u32)) {
                t2s_dense[(t as u32 - HAN_LO) as usize] = s as u32;
            } else {
                t2s.insert(t as u32, s);
            }
            let (ti, si) = (t as u32, s as u32);
            if (HAN_LO..HAN_HI).contains(&ti) && (HAN_LO..HAN_HI).contains(&si) {
                let fs = uni[(si - HAN_LO) as usize];
                let ft = &mut uni[(ti - HAN_LO) as usize];
                *ft = ft.max(0.3 * fs);
            }
        }
        let mut bigram = IntMap::with_capacity_and_hasher(BIGRAM_BIN.len() / 5, Default::default());
        for rec in BIGRAM_BIN.chunks_exact(5) {
            let a = u32::from(u16::from_le_bytes([rec[0], rec[1]]));
            let b = u32::from(u16::from_le_bytes([rec[2], rec[3]]));
            let count = (f32::from(rec[4]) / 8.0).exp2();
            *bigram.entry((a << 16) | b).or_insert(0.0) += count;
        }
        let id = match domain.filter(|d| d.han_chars() > 0) {
            None => 0,
            Some(d) => {
                let han = d.han_chars() as f64;
                // Scaled to the dictionary's mass: the weight grows with the text up to parity.
                let w = total * (han / DOMAIN_FULL_WEIGHT).min(1.0) / han;
                let simple = |u: u32| match t2s_dense[(u - HAN_LO) as usize] {
                    0 => u,
                    s => s,
                };
                for (c, n) in d.chars() {
                    uni[(c - HAN_LO) as usize] += (f64::from(n) * w) as f32;
                }
                total += han * w;
                for (a, b, n) in d.pairs() {
                    let (a, b) = (simple(a), simple(b));
                    if a <= 0xFFFF && b <= 0xFFFF {
                        *bigram.entry((a << 16) | b).or_insert(0.0) += (f64::from(n) * w) as f32;
                    }
                }
                NEXT_ID.fetch_add(1, Ordering::Relaxed)
            }
        };
        let (succ_at, succ) = neighbours(&bigram, false);
        let (pred_at, pred) = neighbours(&bigram, true);
        let han_cost = uni
            .iter()
            .map(|&f| {
                if f > 0.0 {
                    ((total / f64::from(f)).log10() as f32).clamp(1.0, 8.0)
                } else {
                    0.0
                }
            })
            .collect();
        Tables {
            id,
            han_cost,
            uni,
            total,
            bigram,
            t2s_dense,
            t2s,
            succ_at,
            succ,
            pred_at,
            pred,
        }
    }

    /// Characters seen after `a` (t2s-mapped), most frequent pair first.
    #[inline]
    pub fn successors(&self, a: char) -> &[u16] {
        self.neighbours(a, &self.succ_at, &self.succ)
    }

    /// Characters seen before `b` (t2s-mapped), most frequent pair first.
    #[inline]
    pub fn predecessors(&self, b: char) -> &[u16] {
        self.neighbours(b, &self.pred_at, &self.pred)
    }

    #[inline]
    fn neighbours<'a>(&self, c: char, at: &[u32], list: &'a [u16]) -> &'a [u16] {
        let u = self.t2s(c) as u32;
        if !(HAN_LO..HAN_HI).contains(&u) {
            return &[];
        }
        let i = (u - HAN_LO) as usize;
        &list[at[i] as usize..at[i + 1] as usize]
    }

    /// `han_cost` of a Han character, or None when the table does not know it.
    #[inline]
    pub fn han_cost(&self, c: char) -> Option<f32> {
        let u = c as u32;
        if (HAN_LO..HAN_HI).contains(&u) {
            let v = self.han_cost[(u - HAN_LO) as usize];
            (v > 0.0).then_some(v)
        } else {
            None
        }
    }

    /// Unigram count (0 when unknown).
    #[inline]
    pub fn count(&self, c: char) -> f32 {
        let u = c as u32;
        if (HAN_LO..HAN_HI).contains(&u) {
            self.uni[(u - HAN_LO) as usize]
        } else {
            0.0
        }
    }

    /// Maps a traditional character to its simplified form (identity otherwise).
    #[inline]
    pub fn t2s(&self, c: char) -> char {
        let u = c as u32;
        if u < 0x3400 {
            return c;
        }
        if u < HAN_HI {
            return char::from_u32(self.t2s_dense[(u - HAN_LO) as usize])
                .filter(|&s| s != '\0')
                .unwrap_or(c);
        }
        self.t2s.get(&u).copied().unwrap_or(c)
    }

    /// True when `c` is a traditional-only character (it has a different simplified form).
    #[inline]
    pub fn is_traditional(&self, c: char) -> bool {
        self.t2s(c) != c
    }

    /// Bigram count of the t2s-mapped pair.
    #[inline]
    pub fn bigram(&self, a: char, b: char) -> f32 {
        let (a, b) = (self.t2s(a) as u32, self.t2s(b) as u32);
        if a > 0xFFFF || b > 0xFFFF {
            return 0.0;
        }
        self.bigram.get(&((a << 16) | b)).copied().unwrap_or(0.0)
    }
}

/// Successor (or, with `before`, predecessor) lists of the dense-range characters, from the
/// bigram counts (see `Tables::succ`).
fn neighbours(bigram: &IntMap<u32, f32>, before: bool) -> (Vec<u32>, Vec<u16>) {
    let mut pairs: Vec<(u32, u16, f32)> = bigram
        .iter()
        .map(|(&k, &n)| {
            if before {
                ((k & 0xFFFF), (k >> 16) as u16, n)
            } else {
                (k >> 16, (k & 0xFFFF) as u16, n)
            }
        })
        .filter(|p| (HAN_LO..HAN_HI).contains(&p.0))
        .collect();
    pairs.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.1.cmp(&y.1)));
    let n = (HAN_HI - HAN_LO) as usize;
    let mut at = vec![0u32; n + 1];
    for &(a, _, _) in &pairs {
        at[(a - HAN_LO) as usize + 1] += 1;
    }
    for i in 0..n {
        at[i + 1] += at[i];
    }
    (at, pairs.into_iter().map(|p| p.1).collect())
}

/// True for characters UTF-8-as-GBK/Big5/Shift_JIS mojibake produces and clean text rarely uses.
#[inline]
pub(crate) fn is_han_moji(c: char) -> bool {
    bit(0, c)
}

/// True for the 128 characters of the double chain (UTF-8 → Latin-1 → UTF-8 → GBK).
#[inline]
pub(crate) fn is_double_moji(c: char) -> bool {
    bit(8192, c)
}

/// Characters at or above U+0800 the per-line gate must look at: the two sets above, the
/// windows-1252 extras, U+FFFD, private use and 锟. Anything else there (Han, kana, most
/// symbols) passes with one lookup.
static GATE_BITS: Lazy<Box<[u8; 8192]>> = Lazy::new(|| {
    let mut bits = Box::new([0u8; 8192]);
    for (i, b) in bits.iter_mut().enumerate() {
        *b = MOJI_BIN[i] | MOJI_BIN[8192 + i];
    }
    let mut set = |u: u32| bits[(u >> 3) as usize] |= 1 << (u & 7);
    for u in (0x800..=0xFFFF).filter(|u| !(0xD800..0xE000).contains(u)) {
        let c = char::from_u32(u).unwrap_or('\0');
        if super::cost::is_cp1252_extra(c) || (0xE000..=0xF8FF).contains(&u) {
            set(u);
        }
    }
    set(0xFFFD);
    set('锟' as u32);
    bits
});

/// True when the gate must look at `c` (at or above U+0800; see `GATE_BITS`).
#[inline]
pub(crate) fn gate_sees(c: char) -> bool {
    let u = c as usize;
    u <= 0xFFFF && (GATE_BITS[u >> 3] >> (u & 7)) & 1 == 1
}

#[inline]
fn bit(plane: usize, c: char) -> bool {
    let u = c as usize;
    u <= 0xFFFF && (MOJI_BIN[plane + (u >> 3)] >> (u & 7)) & 1 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse() {
        assert_eq!(UNIGRAM_BIN.len() % 6, 0);
        assert_eq!(BIGRAM_BIN.len() % 5, 0);
        assert!(parse_t2s().count() > 2500);
        let t = &*TABLES;
        assert!(t.han_cost('的').unwrap_or(9.0) < 3.0);
        assert!(t.bigram('学', '习') > 1000.0);
        assert!(t.bigram('學', '習') > 1000.0, "bigrams look up through t2s");
        assert_eq!(t.t2s('學'), '学');
        assert!(is_han_moji('鍥') && is_han_moji('墖') && !is_han_moji('的'));
        assert!(is_double_moji('莽') && is_double_moji('聨'));
    }
}
