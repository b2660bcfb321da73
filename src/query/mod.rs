//! Query stage: query string → tantivy query → ranked hits with snippets.
//!
//! Han text is searched as a phrase of character bigrams (exact substring, whatever words
//! jieba cut at index time), and boosted where the index's own word dictionary knows the
//! words: no jieba dictionary is loaded on the query path.

pub mod facets;
pub mod parse;
pub mod snippet;

use crate::analyze::{self, Mode};
use crate::index::schema::Fields;
use crate::index::{doc, IndexStore, StoredPaper};
use crate::meta::{glossary, topic, venue};
use anyhow::{Context, Result};
use facets::{FacetCollector, FacetCounts};
use parse::{QField, QueryNode};
use serde::Serialize;
use snippet::{Needles, Snippet};
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, TantivyDocument, Term};

pub use parse::parse_query;

/// What to search and which page of results to return.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// The query as typed.
    pub query: String,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip.
    pub offset: usize,
    /// Result order.
    pub sort: Sort,
    /// Also explain the parse and each hit's score.
    pub explain: bool,
    /// Expand glossary terms into the other language.
    pub expand: bool,
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first, then best match.
    Year,
    /// By venue name (papers without one last), then best match.
    Venue,
}

/// Restrictions given as flags (`--venue`, `--year`…): the same as the field syntax.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// `venue:` value.
    pub venue: Option<String>,
    /// `year:` value (`2023`, `2021..2023`, `>=2022`).
    pub year: Option<String>,
    /// `topic:` value.
    pub topic: Option<String>,
    /// `author:` value.
    pub author: Option<String>,
}

impl Filters {
    /// Appends the filters to a query as field terms, so a flag means exactly what the field syntax means.
    pub fn apply(&self, query: &str) -> String {
        let mut q = query.to_string();
        for (name, v) in [
            ("venue", &self.venue),
            ("year", &self.year),
            ("topic", &self.topic),
            ("author", &self.author),
        ] {
            if let Some(v) = v {
                let v = v.replace('"', " ");
                if v.contains(char::is_whitespace) {
                    q.push_str(&format!(" {name}:\"{v}\""));
                } else {
                    q.push_str(&format!(" {name}:{v}"));
                }
            }
        }
        q
    }
}

/// One result.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// BM25 score with field boosts.
    pub score: f32,
    /// The paper's stored fields.
    pub paper: StoredPaper,
    /// Best passage with the query words marked.
    pub snippet: Snippet,
}

/// A page of results.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    /// The query as typed.
    pub query: String,
    /// Matching papers in all.
    pub total: usize,
    /// The requested page.
    pub hits: Vec<Hit>,
    /// Counts of all matches by venue, year and topic.
    pub facets: serde_json::Value,
    /// With `explain`: the parsed query and each hit's score explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<serde_json::Value>,
}

// Field weights: a word in the title says more about a paper than one in its summary.
const W_TITLE: f32 = 3.0;
const W_KEYWORDS: f32 = 2.0;
const W_BODY: f32 = 1.0;
const W_VENUE_MATCH: f32 = 4.0;
const W_YEAR_MATCH: f32 = 1.5;
// Word-level match of a Han run: ranks whole-word hits above buried substrings.
const W_HAN_WORD: f32 = 0.5;
// A glossary expansion counts for less than the words the user typed.
const W_EXPANSION: f32 = 0.4;

struct Compiler<'a> {
    f: &'a Fields,
    searcher: &'a Searcher,
    needles: Needles,
    /// Expand glossary terms into the other language.
    expand: bool,
    /// What was expanded, for `--explain`: (typed, added forms).
    expansions: Vec<(String, Vec<String>)>,
}

fn boxed(q: impl Query + 'static) -> Box<dyn Query> {
    Box::new(q)
}

fn boost(q: Box<dyn Query>, w: f32) -> Box<dyn Query> {
    if (w - 1.0).abs() < f32::EPSILON {
        q
    } else {
        boxed(BoostQuery::new(q, w))
    }
}

fn should(qs: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    match qs.len() {
        0 => boxed(EmptyQuery),
        1 => qs.into_iter().next().unwrap_or_else(|| boxed(EmptyQuery)),
        _ => boxed(BooleanQuery::new(
            qs.into_iter().map(|q| (Occur::Should, q)).collect(),
        )),
    }
}

fn terms_query(field: Field, terms: &[String]) -> Option<Box<dyn Query>> {
    match terms.len() {
        0 => None,
        1 => Some(boxed(TermQuery::new(
            Term::from_field_text(field, &terms[0]),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(boxed(PhraseQuery::new(
            terms
                .iter()
                .map(|t| Term::from_field_text(field, t))
                .collect(),
        ))),
    }
}

impl<'a> Compiler<'a> {
    /// A compiler for a negated part: its words are not highlighted.
    fn sub(&self) -> Compiler<'a> {
        Compiler {
            f: self.f,
            searcher: self.searcher,
            needles: Needles::default(),
            expand: self.expand,
            expansions: Vec::new(),
        }
    }

    fn compile(&mut self, n: &QueryNode) -> Option<Box<dyn Query>> {
        match n {
            QueryNode::And { nodes } => {
                let mut clauses = Vec::new();
                let mut positive = false;
                // Runs of plain words are compiled together, so that a glossary term typed as
                // several words ("knowledge distillation") is recognized.
                let mut merged: Vec<QueryNode> = Vec::new();
                for c in nodes {
                    match (merged.last_mut(), c) {
                        (
                            Some(QueryNode::Term {
                                field: None,
                                text: prev,
                                phrase: false,
                            }),
                            QueryNode::Term {
                                field: None,
                                text,
                                phrase: false,
                            },
                        ) => {
                            prev.push(' ');
                            prev.push_str(text);
                        }
                        _ => merged.push(c.clone()),
                    }
                }
                for c in &merged {
                    if let QueryNode::Not { node } = c {
                        let mut sub = self.sub();
                        if let Some(q) = sub.compile(node) {
                            clauses.push((Occur::MustNot, q));
                        }
                    } else if let Some(q) = self.compile(c) {
                        positive = true;
                        clauses.push((Occur::Must, q));
                    }
                }
                if clauses.is_empty() {
                    return None;
                }
                if !positive {
                    clauses.push((Occur::Must, boxed(AllQuery)));
                }
                Some(boxed(BooleanQuery::new(clauses)))
            }
            QueryNode::Or { nodes } => {
                let qs: Vec<_> = nodes.iter().filter_map(|c| self.compile(c)).collect();
                if qs.is_empty() {
                    None
                } else {
                    Some(should(qs))
                }
            }
            QueryNode::Not { node } => {
                let mut sub = self.sub();
                let q = sub.compile(node)?;
                Some(boxed(BooleanQuery::new(vec![
                    (Occur::Must, boxed(AllQuery)),
                    (Occur::MustNot, q),
                ])))
            }
            QueryNode::Term {
                field,
                text,
                phrase,
            } => self.term(*field, text, *phrase),
        }
    }

    fn term(&mut self, field: Option<QField>, text: &str, phrase: bool) -> Option<Box<dyn Query>> {
        let f = self.f;
        match field {
            None if !phrase && self.expand => self.expanded_text(text),
            None => self.text(
                text,
                phrase,
                &[
                    (f.title, f.title_bi, W_TITLE),
                    (f.keywords, f.keywords_bi, W_KEYWORDS),
                    (f.body, f.body_bi, W_BODY),
                ],
                true,
            ),
            Some(QField::Title) => self.text(text, phrase, &[(f.title, f.title_bi, 1.0)], false),
            Some(QField::Author) => {
                let toks: Vec<String> = analyze::tokens(text, Mode::Names)
                    .into_iter()
                    .map(|t| t.text)
                    .collect();
                terms_query(f.authors, &toks)
            }
            Some(QField::Venue) => match venue::normalize(text) {
                Some(v) => Some(boxed(TermQuery::new(
                    Term::from_field_text(f.venue, v),
                    IndexRecordOption::Basic,
                ))),
                // Not a venue we know: look for the words instead of matching nothing.
                None => self.term(None, text, phrase),
            },
            Some(QField::Year) => {
                year_query(f.year, text).or_else(|| self.term(None, text, phrase))
            }
            Some(QField::Topic) => {
                // Unknown topic names match nothing rather than everything; ids pass through.
                let t = topic::normalize(text)
                    .map(str::to_string)
                    .unwrap_or_else(|| text.trim().to_lowercase().replace([' ', '_'], "-"));
                Some(boxed(TermQuery::new(
                    Term::from_field_text(f.topics, &t),
                    IndexRecordOption::Basic,
                )))
            }
            Some(QField::Arxiv) => {
                let id = strip_arxiv_version(
                    text.trim()
                        .trim_start_matches("arXiv:")
                        .trim_start_matches("arxiv:"),
                );
                Some(boxed(TermQuery::new(
                    Term::from_field_text(f.arxiv_id, id),
                    IndexRecordOption::Basic,
                )))
            }
            Some(QField::Track) => Some(boxed(TermQuery::new(
                Term::from_field_text(f.track, &text.trim().to_lowercase()),
                IndexRecordOption::Basic,
            ))),
        }
    }

    /// Free text over (word field, bigram field, weight) triples. Each Han run and each
    /// Latin word must match; with `meta_boost`, a venue or year word also matches papers
    /// whose venue/year field says so.
    fn text(
        &mut self,
        text: &str,
        phrase: bool,
        fields: &[(Field, Field, f32)],
        meta_boost: bool,
    ) -> Option<Box<dyn Query>> {
        let mut groups: Vec<Box<dyn Query>> = Vec::new();
        // Latin words: one group per word, or one phrase for a quoted phrase.
        let latin: Vec<analyze::Tok> = analyze::tokens(text, Mode::Latin);
        let mut latin_units: Vec<(Vec<String>, &str)> = Vec::new();
        if phrase {
            if !latin.is_empty() {
                latin_units.push((latin.iter().map(|t| t.text.clone()).collect(), text));
            }
        } else {
            // Tokens from one whitespace-separated word (CVPR2023, ResNet-50) stay a phrase.
            let mut cur: Vec<&analyze::Tok> = Vec::new();
            for t in &latin {
                if let Some(prev) = cur.last() {
                    if !text[prev.to..t.from].chars().all(|c| !c.is_whitespace()) {
                        latin_units.push((
                            cur.iter().map(|t| t.text.clone()).collect(),
                            &text[cur[0].from..prev.to],
                        ));
                        cur.clear();
                    }
                }
                cur.push(t);
            }
            if let Some(last) = cur.last() {
                latin_units.push((
                    cur.iter().map(|t| t.text.clone()).collect(),
                    &text[cur[0].from..last.to],
                ));
            }
        }
        for (terms, raw) in latin_units {
            self.needles.add_latin(&terms);
            let mut alts: Vec<Box<dyn Query>> = fields
                .iter()
                .filter_map(|&(wf, _, w)| terms_query(wf, &terms).map(|q| boost(q, w)))
                .collect();
            if meta_boost {
                // Folded, so ＣＶＰＲ and cvpr name the venue too.
                let raw = analyze::fold_str(raw);
                let raw = raw.as_str();
                // "CVPR2023" / "CVPR 2023" in one word: the venue and year fields together.
                if let [v, y] = terms.as_slice() {
                    if let (Some(v), Some(y)) = (venue::normalize(v), as_year(y)) {
                        let both = BooleanQuery::new(vec![
                            (
                                Occur::Must,
                                boxed(TermQuery::new(
                                    Term::from_field_text(self.f.venue, v),
                                    IndexRecordOption::Basic,
                                )),
                            ),
                            (
                                Occur::Must,
                                boxed(TermQuery::new(
                                    Term::from_field_u64(self.f.year, y),
                                    IndexRecordOption::Basic,
                                )),
                            ),
                        ]);
                        alts.push(boost(boxed(both), W_VENUE_MATCH));
                    }
                }
                if let Some(v) = venue::normalize(raw) {
                    alts.push(boost(
                        boxed(TermQuery::new(
                            Term::from_field_text(self.f.venue, v),
                            IndexRecordOption::Basic,
                        )),
                        W_VENUE_MATCH,
                    ));
                }
                if let Some(y) = as_year(raw) {
                    alts.push(boost(
                        boxed(TermQuery::new(
                            Term::from_field_u64(self.f.year, y),
                            IndexRecordOption::Basic,
                        )),
                        W_YEAR_MATCH,
                    ));
                }
            }
            groups.push(should(alts));
        }
        for run in analyze::han_runs(text) {
            self.needles.add_han(&run);
            groups.push(self.han_run(&run, fields));
        }
        match groups.len() {
            0 => None,
            1 => groups.pop(),
            _ => Some(boxed(BooleanQuery::new(
                groups.into_iter().map(|q| (Occur::Must, q)).collect(),
            ))),
        }
    }

    /// Free text with glossary expansion: each glossary term typed (longest match over the
    /// query words) also matches its forms in the other language, at a lower weight.
    fn expanded_text(&mut self, text: &str) -> Option<Box<dyn Query>> {
        let f = self.f;
        let all = [
            (f.title, f.title_bi, W_TITLE),
            (f.keywords, f.keywords_bi, W_KEYWORDS),
            (f.body, f.body_bi, W_BODY),
        ];
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut groups = Vec::new();
        let mut i = 0;
        while i < words.len() {
            if let Some((k, entry)) = glossary::longest_match(&words[i..]) {
                let typed = words[i..i + k].join(" ");
                let typed_key = analyze::fold_str(&typed);
                let mut alts: Vec<Box<dyn Query>> = Vec::new();
                alts.extend(self.text(&typed, false, &all, true));
                let mut added = Vec::new();
                for form in entry.forms() {
                    // An ambiguous abbreviation is never searched for: it may mean something else.
                    if entry.ambiguous && entry.is_abbr(form)
                        || analyze::fold_str(form) == typed_key
                    {
                        continue;
                    }
                    if let Some(q) = self.text(form, true, &all, false) {
                        alts.push(boost(q, W_EXPANSION));
                        added.push(form.to_string());
                    }
                }
                if !added.is_empty() {
                    self.expansions.push((typed, added));
                }
                if !alts.is_empty() {
                    groups.push(should(alts));
                }
                i += k;
            } else {
                groups.extend(self.text(words[i], false, &all, true));
                i += 1;
            }
        }
        match groups.len() {
            0 => None,
            1 => groups.pop(),
            _ => Some(boxed(BooleanQuery::new(
                groups.into_iter().map(|q| (Occur::Must, q)).collect(),
            ))),
        }
    }

    fn han_run(&self, run: &str, fields: &[(Field, Field, f32)]) -> Box<dyn Query> {
        let bigrams: Vec<String> = analyze::tokens(run, Mode::HanBigrams)
            .into_iter()
            .map(|t| t.text)
            .collect();
        let must = should(
            fields
                .iter()
                .filter_map(|&(_, bf, w)| terms_query(bf, &bigrams).map(|q| boost(q, w)))
                .collect(),
        );
        let words =
            self.segment_by_dictionary(run, fields.last().map(|x| x.0).unwrap_or(self.f.body));
        if words.is_empty() {
            return must;
        }
        let mut word_alts = Vec::new();
        for &(wf, _, w) in fields {
            for word in &words {
                word_alts.push(boost(
                    boxed(TermQuery::new(
                        Term::from_field_text(wf, word),
                        IndexRecordOption::WithFreqs,
                    )),
                    w * W_HAN_WORD,
                ));
            }
        }
        boxed(BooleanQuery::new(vec![
            (Occur::Must, must),
            (Occur::Should, should(word_alts)),
        ]))
    }

    /// Cuts a Han run into words the index knows (longest match first), using the word
    /// field's term dictionary instead of jieba's.
    fn segment_by_dictionary(&self, run: &str, field: Field) -> Vec<String> {
        let chars: Vec<char> = run.chars().collect();
        let known = |s: &str| {
            self.searcher
                .doc_freq(&Term::from_field_text(field, s))
                .map(|n| n > 0)
                .unwrap_or(false)
        };
        let mut out = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let mut took = 1;
            for len in (2..=chars.len().saturating_sub(i).min(6)).rev() {
                let w: String = chars[i..i + len].iter().collect();
                if known(&w) {
                    out.push(w);
                    took = len;
                    break;
                }
            }
            i += took;
        }
        out
    }
}

/// Removes a version suffix from an arXiv id (`2203.16427v2` → `2203.16427`).
pub fn strip_arxiv_version(id: &str) -> &str {
    match id.rfind('v') {
        Some(p) if p > 0 && id[p + 1..].chars().all(|c| c.is_ascii_digit()) && p + 1 < id.len() => {
            &id[..p]
        }
        _ => id,
    }
}

fn as_year(s: &str) -> Option<u64> {
    let y: u64 = s.trim().parse().ok()?;
    (1900..=2100).contains(&y).then_some(y)
}

/// `2023`, `2021..2023`, `>=2022`, `>2022`, `<=2020`, `<2020`.
fn year_query(field: Field, v: &str) -> Option<Box<dyn Query>> {
    let v = v.trim();
    let t = |y: u64| Term::from_field_u64(field, y);
    let (lo, hi) = if let Some((a, b)) = v.split_once("..") {
        let lo = if a.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Included(t(as_year(a)?))
        };
        let hi = if b.is_empty() {
            Bound::Unbounded
        } else {
            Bound::Included(t(as_year(b)?))
        };
        (lo, hi)
    } else if let Some(r) = v.strip_prefix(">=") {
        (Bound::Included(t(as_year(r)?)), Bound::Unbounded)
    } else if let Some(r) = v.strip_prefix('>') {
        (Bound::Excluded(t(as_year(r)?)), Bound::Unbounded)
    } else if let Some(r) = v.strip_prefix("<=") {
        (Bound::Unbounded, Bound::Included(t(as_year(r)?)))
    } else if let Some(r) = v.strip_prefix('<') {
        (Bound::Unbounded, Bound::Excluded(t(as_year(r)?)))
    } else {
        return Some(boxed(TermQuery::new(
            t(as_year(v)?),
            IndexRecordOption::Basic,
        )));
    };
    Some(boxed(RangeQuery::new(lo, hi)))
}

/// A compiled query and what the compiler learned on the way.
struct Compiled {
    parsed: Option<QueryNode>,
    query: Option<Box<dyn Query>>,
    needles: Needles,
    expansions: Vec<(String, Vec<String>)>,
}

/// Parses and compiles a query; `query` is `None` when nothing in it can be searched.
fn compile(store: &IndexStore, searcher: &Searcher, query: &str, expand: bool) -> Compiled {
    let mut c = Compiler {
        f: &store.fields,
        searcher,
        needles: Needles::default(),
        expand,
        expansions: Vec::new(),
    };
    let parsed = parse_query(query);
    let compiled = parsed.as_ref().and_then(|n| c.compile(n));
    Compiled {
        parsed,
        query: compiled,
        needles: c.needles,
        expansions: c.expansions,
    }
}

/// Ranked matches: the first `want` as (score, address), the number of matches, facet counts.
type Ranked = (Vec<(f32, tantivy::DocAddress)>, usize, Option<FacetCounts>);

/// The first `want` matches as (score, address) in the requested order, the number of matches,
/// and, when `facets` is set, their facet counts: one pass over the matches for all three when
/// sorting by relevance.
fn ranked(
    searcher: &Searcher,
    q: &dyn Query,
    sort: Sort,
    want: usize,
    facets: bool,
) -> Result<Ranked> {
    if sort == Sort::Relevance {
        let top = TopDocs::with_limit(want.max(1)).order_by_score();
        if facets {
            let (docs, total, f) = searcher.search(q, &(top, Count, FacetCollector))?;
            return Ok((docs, total, Some(f)));
        }
        let (docs, total) = searcher.search(q, &(top, Count))?;
        return Ok((docs, total, None));
    }
    let (total, facets) = if facets {
        let (total, f) = searcher.search(q, &(Count, FacetCollector))?;
        (total, Some(f))
    } else {
        (searcher.search(q, &Count)?, None)
    };
    let all = searcher.search(q, &TopDocs::with_limit(total.max(1)).order_by_score())?;
    // Sort keys from the columnar fast fields: no stored document is read for sorting.
    let mut keyed: Vec<((u64, String), f32, tantivy::DocAddress)> = Vec::with_capacity(all.len());
    let mut cols = std::collections::HashMap::new();
    for (score, addr) in all {
        let seg = searcher.segment_reader(addr.segment_ord);
        let (year_col, venue_col) = &*cols.entry(addr.segment_ord).or_insert_with(|| {
            let ff = seg.fast_fields();
            (ff.u64("year").ok(), ff.str("venue").ok().flatten())
        });
        let key = match sort {
            Sort::Year => (
                u64::MAX
                    - year_col
                        .as_ref()
                        .and_then(|c| c.first(addr.doc_id))
                        .unwrap_or(0),
                String::new(),
            ),
            _ => {
                let mut v = String::new();
                let found = venue_col
                    .as_ref()
                    .and_then(|c| c.ords().first(addr.doc_id).map(|o| c.ord_to_str(o, &mut v)))
                    .is_some();
                // Papers without a venue sort after all venues.
                (u64::from(!found), v.to_lowercase())
            }
        };
        keyed.push((key, score, addr));
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    keyed.truncate(want);
    Ok((
        keyed.into_iter().map(|(_, s, a)| (s, a)).collect(),
        total,
        facets,
    ))
}

/// Runs a search: parse, compile, rank, fetch the page, cut snippets, count facets.
pub fn search(store: &IndexStore, req: &SearchRequest) -> Result<SearchResult> {
    let searcher = store.reader.searcher();
    let Compiled {
        parsed,
        query: compiled,
        needles,
        expansions,
    } = compile(store, &searcher, &req.query, req.expand);
    let Some(q) = compiled else {
        let explain = req.explain.then(|| serde_json::json!({"parsed": parsed, "searched": "nothing: the query has no searchable words"}));
        return Ok(SearchResult {
            query: req.query.clone(),
            total: 0,
            hits: Vec::new(),
            facets: serde_json::json!({}),
            explain,
        });
    };
    let (docs, total, facets) = ranked(
        &searcher,
        q.as_ref(),
        req.sort,
        req.offset + req.limit,
        true,
    )?;
    // The page's hits are read and cut into snippets on the search threads.
    let page: Vec<(f32, tantivy::DocAddress)> =
        docs.into_iter().skip(req.offset).take(req.limit).collect();
    let read_hit = |(score, addr): (f32, tantivy::DocAddress)| -> tantivy::Result<(Hit, Option<serde_json::Value>)> {
        let d: TantivyDocument = searcher.doc(addr)?;
        let mut paper = doc::from_document(&d, &store.fields);
        let snippet = snippet::best(&paper.text, &needles);
        paper.text.clear();
        let why = if req.explain {
            let e = q.explain(&searcher, addr)?;
            Some(serde_json::json!({"id": paper.id, "score": score, "why": serde_json::from_str::<serde_json::Value>(&e.to_pretty_json()).unwrap_or_default()}))
        } else {
            None
        };
        Ok((Hit { score, paper, snippet }, why))
    };
    let read = store
        .index
        .search_executor()
        .map(read_hit, page.into_iter())
        .context("reading the hits")?;
    let mut hits = Vec::with_capacity(read.len());
    let mut explained = Vec::new();
    for (hit, why) in read {
        hits.push(hit);
        explained.extend(why);
    }
    let facets = facets.unwrap_or_default().to_json();
    let explain = req.explain.then(
        || serde_json::json!({
            "parsed": parsed,
            "expansions": expansions.iter().map(|(t, a)| serde_json::json!({"typed": t, "also": a})).collect::<Vec<_>>(),
            "compiled": format!("{q:?}"), "hits": explained}),
    );
    Ok(SearchResult {
        query: req.query.clone(),
        total,
        hits,
        facets,
        explain,
    })
}

/// Every matching paper (stored fields, full text) in the requested order: what `export` writes.
pub fn search_all(
    store: &IndexStore,
    query: &str,
    sort: Sort,
    expand: bool,
) -> Result<Vec<StoredPaper>> {
    let searcher = store.reader.searcher();
    let compiled = compile(store, &searcher, query, expand).query;
    let Some(q) = compiled else {
        return Ok(Vec::new());
    };
    let total = searcher.search(q.as_ref(), &Count)?;
    // Exports need no facet counts.
    let (docs, _, _) = ranked(&searcher, q.as_ref(), sort, total, false)?;
    docs.into_iter()
        .map(|(_, addr)| {
            let d: TantivyDocument = searcher.doc(addr)?;
            Ok(doc::from_document(&d, &store.fields))
        })
        .collect()
}
