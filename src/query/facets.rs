//! Facet counts (venue, year, topic) over a query's matches or the whole index.

use crate::index::IndexStore;
use anyhow::{Context, Result};
use serde_json::{json, Value};
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::AggregationCollector;
use tantivy::query::{AllQuery, Query};

/// How many values each facet lists at most.
const FACET_SIZE: u32 = 50;

/// Counts of matches by venue, year and topic: `{"venue": [["CVPR", 12], …], …}`, largest first.
pub fn count(store: &IndexStore, q: &dyn Query) -> Result<Value> {
    let req = json!({
        "venue": {"terms": {"field": "venue", "size": FACET_SIZE}},
        "year": {"terms": {"field": "year", "size": FACET_SIZE}},
        "topics": {"terms": {"field": "topics", "size": FACET_SIZE}},
    });
    let aggs: Aggregations = serde_json::from_value(req).context("building the facet request")?;
    let collector = AggregationCollector::from_aggs(aggs, Default::default());
    let res = store
        .reader
        .searcher()
        .search(q, &collector)
        .context("counting facets")?;
    let v = serde_json::to_value(res)?;
    let mut out = serde_json::Map::new();
    for name in ["venue", "year", "topics"] {
        let buckets: Vec<Value> = v[name]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| {
                let key = match &b["key"] {
                    Value::Number(n) => json!(n.as_f64().map(|f| f as u64)),
                    k => k.clone(),
                };
                json!([key, b["doc_count"]])
            })
            .collect();
        out.insert(name.to_string(), Value::Array(buckets));
    }
    Ok(Value::Object(out))
}

/// Facet counts over the whole index.
pub fn all(store: &IndexStore) -> Result<Value> {
    count(store, &AllQuery)
}
