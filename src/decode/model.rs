//! What the repair scores readings with: the shipped character statistics, optionally refreshed
//! with counts from clean documents of the folder being indexed (design §4.1, "in-domain").
//!
//! Restoring a dropped byte is a choice between characters that differ by one byte (`中`/`不`,
//! `向`/`发`); a general-Chinese dictionary prefers the wrong one inside field terms
//! (隐写术, 向量) that the folder's own clean notes use constantly.

use std::collections::HashMap;
use std::sync::Arc;

use super::tables::{Tables, HAN_HI, HAN_LO, TABLES};

/// Fewest Han characters of clean text worth a refreshed model (below this the dictionary
/// alone decides).
pub const MIN_DOMAIN_HAN: u64 = 20_000;

/// Format version of [`DomainCounts::to_bytes`].
const COUNTS_VERSION: u32 = 1;

/// Han character and adjacent-pair counts from clean text.
#[derive(Debug, Clone, Default)]
pub struct DomainCounts {
    chars: HashMap<u32, u32>,
    pairs: HashMap<u64, u32>,
    han: u64,
}

impl DomainCounts {
    /// Counts the Han characters (U+3400–9FFF) of `text` and their adjacent pairs.
    pub fn add(&mut self, text: &str) {
        let mut prev: Option<u32> = None;
        for c in text.chars() {
            let u = c as u32;
            if (HAN_LO..HAN_HI).contains(&u) {
                *self.chars.entry(u).or_default() += 1;
                self.han += 1;
                if let Some(p) = prev {
                    *self
                        .pairs
                        .entry((u64::from(p) << 32) | u64::from(u))
                        .or_default() += 1;
                }
                prev = Some(u);
            } else {
                prev = None;
            }
        }
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: DomainCounts) {
        for (c, n) in other.chars {
            *self.chars.entry(c).or_default() += n;
        }
        for (p, n) in other.pairs {
            *self.pairs.entry(p).or_default() += n;
        }
        self.han += other.han;
    }

    /// Han characters counted.
    pub fn han_chars(&self) -> u64 {
        self.han
    }

    /// The counts as bytes, for keeping them with an index ([`DomainCounts::from_bytes`] reads
    /// them back): little-endian, a version, the Han total, then characters and pairs.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + self.chars.len() * 8 + self.pairs.len() * 12);
        out.extend_from_slice(&COUNTS_VERSION.to_le_bytes());
        out.extend_from_slice(&self.han.to_le_bytes());
        out.extend_from_slice(&(self.chars.len() as u64).to_le_bytes());
        for (&c, &n) in &self.chars {
            out.extend_from_slice(&c.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
        }
        out.extend_from_slice(&(self.pairs.len() as u64).to_le_bytes());
        for (&p, &n) in &self.pairs {
            out.extend_from_slice(&p.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
        }
        out
    }

    /// Reads [`DomainCounts::to_bytes`]' output; `None` when it is not that (another version,
    /// cut short, or a character outside the counted Han range: the file is not trusted).
    pub fn from_bytes(bytes: &[u8]) -> Option<DomainCounts> {
        let mut r = bytes;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, rest) = r.split_at_checked(n)?;
            r = rest;
            Some(head)
        };
        let u32_at = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let u64_at =
            |b: &[u8]| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        if u32_at(take(4)?) != COUNTS_VERSION {
            return None;
        }
        let han = u64_at(take(8)?);
        let n = usize::try_from(u64_at(take(8)?)).ok()?;
        let han_range = |u: u32| (HAN_LO..HAN_HI).contains(&u).then_some(u);
        let mut chars = HashMap::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            let rec = take(8)?;
            chars.insert(han_range(u32_at(rec))?, u32_at(&rec[4..]));
        }
        let n = usize::try_from(u64_at(take(8)?)).ok()?;
        let mut pairs = HashMap::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let rec = take(12)?;
            let p = u64_at(rec);
            han_range((p >> 32) as u32)?;
            han_range(p as u32)?;
            pairs.insert(p, u32_at(&rec[8..]));
        }
        Some(DomainCounts { chars, pairs, han })
    }

    pub(crate) fn chars(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.chars.iter().map(|(&c, &n)| (c, n))
    }

    pub(crate) fn pairs(&self) -> impl Iterator<Item = (u32, u32, u32)> + '_ {
        self.pairs
            .iter()
            .map(|(&p, &n)| ((p >> 32) as u32, p as u32, n))
    }
}

/// The statistics [`super::decode_with`] scores repairs with. Cheap to clone.
#[derive(Clone, Default)]
pub struct RepairModel(Option<Arc<Tables>>);

impl RepairModel {
    /// The statistics shipped with papersift (jieba's dictionary; MIT).
    pub fn shipped() -> RepairModel {
        RepairModel(None)
    }

    /// The shipped statistics plus `counts`, weighted by how much text they come from (equal
    /// to the dictionary's from a million Han characters on). Below [`MIN_DOMAIN_HAN`]
    /// characters this is the shipped model.
    pub fn refreshed(counts: &DomainCounts) -> RepairModel {
        if counts.han_chars() < MIN_DOMAIN_HAN {
            return RepairModel::shipped();
        }
        RepairModel(Some(Arc::new(Tables::build(Some(counts)))))
    }

    /// True when in-domain counts were added.
    pub fn is_refreshed(&self) -> bool {
        self.0.is_some()
    }

    /// The tables; the shipped ones are built on first use (clean text never needs them).
    pub(crate) fn tables(&self) -> &Tables {
        match &self.0 {
            Some(t) => t,
            None => &TABLES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_han_pairs_across_clean_text_only() {
        let mut a = DomainCounts::default();
        a.add("隐写术 and 隐写");
        let mut b = DomainCounts::default();
        b.add("写术");
        a.merge(b);
        assert_eq!(a.han_chars(), 7);
        let pairs: HashMap<(u32, u32), u32> = a.pairs().map(|(x, y, n)| ((x, y), n)).collect();
        assert_eq!(pairs[&('隐' as u32, '写' as u32)], 2);
        assert_eq!(pairs[&('写' as u32, '术' as u32)], 2);
        // No pair across the ASCII between the two runs.
        assert!(!pairs.contains_key(&('术' as u32, '隐' as u32)));
    }

    #[test]
    fn counts_survive_bytes_and_damaged_bytes_are_refused() {
        let mut a = DomainCounts::default();
        a.add("隐写术是信息隐藏的核心技术，隐写术");
        let bytes = a.to_bytes();
        let b = DomainCounts::from_bytes(&bytes).expect("reads back");
        assert_eq!(b.han_chars(), a.han_chars());
        let sorted = |c: &DomainCounts| {
            let mut v: Vec<_> = c.pairs().collect();
            v.sort();
            v
        };
        assert_eq!(sorted(&a), sorted(&b));
        assert!(DomainCounts::from_bytes(&bytes[..bytes.len() - 3]).is_none());
        assert!(DomainCounts::from_bytes(b"not counts").is_none());
        // A character outside the Han range (a damaged or foreign file) is refused, not indexed
        // into the tables.
        let mut bad = DomainCounts::default();
        bad.add("隐");
        let mut bytes = bad.to_bytes();
        let at = 4 + 8 + 8;
        bytes[at..at + 4].copy_from_slice(&0x41u32.to_le_bytes());
        assert!(DomainCounts::from_bytes(&bytes).is_none());
    }

    #[test]
    fn little_text_keeps_the_shipped_model() {
        let mut c = DomainCounts::default();
        c.add("向量");
        assert!(!RepairModel::refreshed(&c).is_refreshed());
        c.add(&"向量检索".repeat(6_000));
        let m = RepairModel::refreshed(&c);
        assert!(m.is_refreshed());
        // The in-domain pair gains weight against the dictionary's.
        let (t, s) = (m.tables(), &*TABLES);
        assert!(t.bigram('向', '量') > s.bigram('向', '量'));
        assert_ne!(t.id, s.id);
    }
}
