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
