//! Facet counts (venue, year, topic) over a query's matches or the whole index.
//!
//! A collector of our own rather than tantivy's aggregations: it counts fast-field ordinals in
//! arrays and names them once per segment, and it runs in the same pass as ranking (see
//! [`FacetCollector`]), so a search evaluates its query once.

use crate::index::IndexStore;
use anyhow::{Context, Result};
use once_cell::sync::Lazy;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::query::{AllQuery, Query};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// How many values each facet lists at most.
const FACET_SIZE: usize = 50;

/// Match counts by venue, year and topic.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FacetCounts {
    venue: HashMap<String, u64>,
    year: HashMap<u64, u64>,
    topics: HashMap<String, u64>,
}

impl FacetCounts {
    /// `{"venue": [["CVPR", 12], …], "year": [[2025, 3], …], "topics": […]}`, largest first (ties
    /// by value), at most [`FACET_SIZE`] each.
    pub fn to_json(&self) -> Value {
        fn top<K: Clone + Ord + serde::Serialize>(m: &HashMap<K, u64>) -> Value {
            let mut v: Vec<(&K, &u64)> = m.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            Value::Array(
                v.into_iter()
                    .take(FACET_SIZE)
                    .map(|(k, n)| json!([k, n]))
                    .collect(),
            )
        }
        json!({"venue": top(&self.venue), "year": top(&self.year), "topics": top(&self.topics)})
    }
}

/// Counts facets of every document it is given; combine it with ranking collectors in a tuple.
pub struct FacetCollector;

/// Per-segment counts by fast-field ordinal.
pub struct FacetSegmentCollector {
    venue: Option<OrdCounts>,
    topics: Option<OrdCounts>,
    year: Option<Column<u64>>,
    years: HashMap<u64, u64>,
}

/// A string column's ordinals, their names, and a count per ordinal.
struct OrdCounts {
    column: StrColumn,
    names: Arc<Vec<String>>,
    counts: Vec<u64>,
}

/// Facet names by segment and field, shared by every query of the process.
type NameCache = HashMap<(SegmentId, &'static str), Arc<Vec<String>>>;

/// Names of every ordinal of a segment's string column, read from its dictionary once per
/// process: segments never change, and naming ordinals costs more than counting them.
static NAMES: Lazy<Mutex<NameCache>> = Lazy::new(Default::default);

fn names_of(segment: SegmentId, field: &'static str, column: &StrColumn) -> Arc<Vec<String>> {
    let mut cache = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry((segment, field))
        .or_insert_with(|| {
            let names = (0..column.num_terms() as u64)
                .map(|ord| {
                    let mut s = String::new();
                    let _ = column.ord_to_str(ord, &mut s);
                    s
                })
                .collect();
            Arc::new(names)
        })
        .clone()
}

fn str_column(reader: &SegmentReader, field: &'static str) -> tantivy::Result<Option<OrdCounts>> {
    Ok(reader.fast_fields().str(field)?.map(|column| {
        let names = names_of(reader.segment_id(), field, &column);
        OrdCounts {
            counts: vec![0u64; names.len()],
            column,
            names,
        }
    }))
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(FacetSegmentCollector {
            venue: str_column(reader, "venue")?,
            topics: str_column(reader, "topics")?,
            year: reader.fast_fields().u64("year").ok(),
            years: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut out = FacetCounts::default();
        for f in fruits {
            for (k, n) in f.venue {
                *out.venue.entry(k).or_default() += n;
            }
            for (k, n) in f.year {
                *out.year.entry(k).or_default() += n;
            }
            for (k, n) in f.topics {
                *out.topics.entry(k).or_default() += n;
            }
        }
        Ok(out)
    }
}

fn count_ords(col: &mut Option<OrdCounts>, doc: DocId) {
    if let Some(c) = col {
        for o in c.column.ords().values_for_doc(doc) {
            if let Some(n) = usize::try_from(o).ok().and_then(|o| c.counts.get_mut(o)) {
                *n += 1;
            }
        }
    }
}

fn named(col: Option<OrdCounts>) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    if let Some(c) = col {
        for (name, &n) in c.names.iter().zip(&c.counts) {
            if n > 0 {
                out.insert(name.clone(), n);
            }
        }
    }
    out
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        count_ords(&mut self.venue, doc);
        count_ords(&mut self.topics, doc);
        if let Some(y) = self.year.as_ref().and_then(|c| c.first(doc)) {
            *self.years.entry(y).or_default() += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        FacetCounts {
            venue: named(self.venue),
            year: self.years,
            topics: named(self.topics),
        }
    }
}

/// Counts of matches by venue, year and topic, as [`FacetCounts::to_json`] shows them.
pub fn count(store: &IndexStore, q: &dyn Query) -> Result<Value> {
    let counts = store
        .reader
        .searcher()
        .search(q, &FacetCollector)
        .context("counting facets")?;
    Ok(counts.to_json())
}

/// Facet counts over the whole index.
pub fn all(store: &IndexStore) -> Result<Value> {
    count(store, &AllQuery)
}
