//! The query path must not pay for jieba's dictionary (100–170 ms per process).

mod common;
use common::*;
use papersift::{analyze, index::IndexStore, query};

#[test]
fn chinese_queries_do_not_build_the_jieba_dictionary() {
    // The index is built by another process, so this one starts with jieba unloaded.
    let dir = build_index(&repo().join("sample-corpus/notes"));
    let store = IndexStore::open(dir.path()).unwrap();
    for q in [
        "联邦学习",
        "聯邦學習 CVPR",
        "\"图神经网络\" year:2024",
        "农业 OR 信贷",
        "title:蒸馏",
    ] {
        let req = query::SearchRequest {
            query: q.into(),
            limit: 10,
            offset: 0,
            sort: query::Sort::Relevance,
            explain: false,
            expand: true,
        };
        query::search(&store, &req).unwrap();
    }
    let hits = query::search(
        &store,
        &query::SearchRequest {
            query: "农业".into(),
            limit: 10,
            offset: 0,
            sort: query::Sort::Relevance,
            explain: false,
            expand: true,
        },
    )
    .unwrap();
    assert!(hits.total >= 1);
    assert!(
        !analyze::jieba_loaded(),
        "a search built jieba's dictionary"
    );
}
