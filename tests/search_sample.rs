//! The search path, end to end through the binary, on `sample-corpus/`.

mod common;
use common::*;
use std::sync::OnceLock;

fn index() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| build_index(&repo().join("sample-corpus")))
        .path()
}

fn has_title(q: &str, needle: &str) -> bool {
    titles(&search_json(index(), q, 50))
        .iter()
        .any(|t| t.contains(needle))
}

#[test]
fn a_two_character_word_is_found_inside_longer_words() {
    // jieba keeps 中国农业发展银行 as one word; the bigram field still finds 农业 inside it.
    assert!(has_title("农业发展", "CreditGraph"));
    assert!(has_title("农业", "CreditGraph"));
    assert!(has_title("简单", "CreditGraph"));
    assert!(has_title("发展银行", "CreditGraph"));
}

#[test]
fn traditional_and_simplified_find_each_other() {
    let trad = search_json(index(), "聯邦學習", 50);
    let simp = search_json(index(), "联邦学习", 50);
    assert!(
        titles(&simp).iter().any(|t| t.contains("PFedAgg")),
        "{:?}",
        titles(&simp)
    );
    assert_eq!(ids(&trad), ids(&simp));
}

#[test]
fn full_width_and_letter_digit_runs() {
    assert!(has_title("ＣＶＰＲ２０２３", "Self-Distilled ResNet-50"));
    assert!(has_title("CVPR2023", "Self-Distilled ResNet-50"));
    assert!(has_title(
        "cvpr 2023 distillation",
        "Self-Distilled ResNet-50"
    ));
    assert!(has_title("resnet", "Self-Distilled ResNet-50"));
    assert!(has_title("ResNet-50", "Self-Distilled ResNet-50"));
    // Full-width CVPR in a Traditional page is found by the ASCII spelling.
    assert!(has_title("CVPR 聯邦學習", "PFedAgg"));
}

#[test]
fn english_words_are_stemmed() {
    assert!(has_title("distilling", "Self-Distilled ResNet-50"));
    assert!(has_title("distilled networks", "Self-Distilled ResNet-50"));
}

#[test]
fn phrases_hold_across_double_spaces_and_punctuation() {
    // The page has "teacher  network" (two spaces): separators are not tokens.
    assert!(has_title("\"teacher network\"", "Self-Distilled ResNet-50"));
    assert!(has_title(
        "\"needed distilling\"",
        "Self-Distilled ResNet-50"
    ));
    assert!(!has_title(
        "\"network teacher\"",
        "Self-Distilled ResNet-50"
    ));
    assert!(has_title("\"图神经网络\"", "CreditGraph"));
}

#[test]
fn chinese_snippets_highlight_the_query_on_character_boundaries() {
    let v = search_json(index(), "农业", 5);
    let hit = v["hits"]
        .as_array()
        .and_then(|h| {
            h.iter().find(|h| {
                h["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("CreditGraph"))
            })
        })
        .expect("hit");
    let snippet = hit["snippet"].as_str().unwrap();
    let chars: Vec<char> = snippet.chars().collect();
    let hl = hit["highlights"].as_array().unwrap();
    assert!(!hl.is_empty(), "no highlight in {snippet}");
    for r in hl {
        let (a, b) = (
            r[0].as_u64().unwrap() as usize,
            r[1].as_u64().unwrap() as usize,
        );
        let s: String = chars[a..b].iter().collect();
        assert_eq!(s, "农业", "highlight {a}..{b} of {snippet}");
    }
    // About two lines: not a whole page, not a few characters.
    let cols: usize = chars
        .iter()
        .map(|c| if *c as u32 > 0x2E80 { 2 } else { 1 })
        .sum();
    assert!(
        (40..=170).contains(&cols),
        "snippet is {cols} columns: {snippet}"
    );
}

#[test]
fn text_output_colours_only_when_asked() {
    let (code, plain, _) = run_ok(index(), &["search", "农业"]);
    assert_eq!(code, 0);
    assert!(!plain.contains('\x1b'), "piped output has no escape codes");
    let (_, coloured, _) = run_ok(index(), &["--color", "always", "search", "农业"]);
    assert!(coloured.contains("\x1b[1;31m农业\x1b[0m"), "{coloured}");
}

#[test]
fn json_output_keeps_the_documented_names() {
    let v = search_json(index(), "distillation", 3);
    assert_eq!(v["query"], "distillation");
    assert!(v["total"].as_u64().unwrap() >= 1);
    let h = &v["hits"][0];
    for k in [
        "id", "score", "title", "authors", "venue", "year", "topics", "arxiv_id", "url", "source",
        "snippet",
    ] {
        assert!(h.get(k).is_some(), "hit lacks {k:?}: {h}");
    }
    assert!(h["source"]["path"].as_str().unwrap().ends_with(".md"));
    let jsonl = run(index(), &["search", "distillation", "--format", "jsonl"]);
    for line in String::from_utf8_lossy(&jsonl.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        assert!(v["id"].is_string());
    }
}

#[test]
fn exit_codes_say_hits_no_hits_error() {
    assert_eq!(run_ok(index(), &["search", "distillation"]).0, 0);
    assert_eq!(run_ok(index(), &["search", "zzqxjv"]).0, 1);
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run_ok(&empty.path().join("none"), &["search", "x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("papersift index"),
        "the message names the command that builds an index: {err}"
    );
}

#[test]
fn malformed_queries_never_fail() {
    let odd = [
        "\"unbalanced",
        "((",
        ")",
        "-",
        "year:",
        "title:",
        "venue:",
        ":::",
        "OR",
        "a OR",
        "year:abc",
        "\"\"",
        "-\"x\"",
        "（联邦",
        "\"联邦学习",
        "联邦学习)",
        "-联邦学习",
        "+-+",
        "---x",
        "year:2023..",
        "year:..2023",
        "year:>=",
        "year:<2020",
        "year:2023..2021",
        "venue:\"\"",
        "author:",
        "topic:",
        "arxiv:",
        "arxiv:2306.04512v3",
        "track:",
        "title:\"",
        "(((a)))",
        "a (b",
        "a) (b",
        "OR a",
        "a OR OR b",
        "|",
        "||",
        "!x",
        "- - -",
        "\u{3000}",
        "🙂",
        "\u{FFFD}\u{FFFD}",
        "a\u{1}b",
        "*",
        "?",
        "\\",
        "x:y:z",
        "title:title:",
        "\"a\" \"b",
    ];
    assert!(odd.len() >= 50);
    for q in odd {
        let code = run_ok(index(), &["search", q]).0;
        assert!(code == 0 || code == 1, "query {q:?} exited {code}");
    }
    // Sensible: what can be searched still is.
    assert!(has_title("\"CreditGraph", "CreditGraph"));
    assert!(has_title("CreditGraph )", "CreditGraph"));
}

#[test]
fn show_lists_the_paper_and_its_sources() {
    let v = search_json(index(), "CreditGraph", 1);
    let id = v["hits"][0]["id"].as_str().unwrap().to_string();
    let (code, out, _) = run_ok(index(), &["show", &id]);
    assert_eq!(code, 0);
    assert!(
        out.contains("CreditGraph") && out.contains("agri-credit-gnn.md"),
        "{out}"
    );
    assert_eq!(run_ok(index(), &["show", "no-such-id"]).0, 2);
}

#[test]
fn stats_counts_files_and_papers() {
    let (code, out, _) = run_ok(index(), &["stats", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["files_read"].as_u64().unwrap() >= 3);
    assert!(v["papers"].as_u64().unwrap() >= 3);
    assert!(v["index_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn an_index_from_another_schema_version_asks_for_reindex() {
    let dir = build_index(&repo().join("sample-corpus/notes"));
    let current = std::fs::read_to_string(dir.path().join("CURRENT")).unwrap();
    let gen = dir.path().join(current.trim());
    let meta_path = std::fs::read_dir(&gen)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with("meta-") && n.ends_with(".json")
        })
        .expect("a meta-<token>.json in the generation");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    meta["schema_version"] = 999.into();
    std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
    let (code, _, err) = run_ok(dir.path(), &["search", "x"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("papersift reindex") && err.contains("999"),
        "{err}"
    );
}

#[test]
fn fields_ranges_or_and_negation() {
    assert!(has_title("venue:nips", "SparseRouter"));
    assert_eq!(
        ids(&search_json(index(), "venue:NIPS", 50)),
        ids(&search_json(index(), "venue:neurips", 50))
    );
    assert!(has_title("year:2021..2023 联邦学习", "PFedAgg"));
    assert!(!has_title("year:>=2024 联邦学习", "PFedAgg"));
    assert!(has_title("author:Moreau", "Self-Distilled ResNet-50"));
    assert!(has_title("track:oral", "TrackSeg"));
    assert!(has_title("topic:federated-learning", "PFedAgg"));
    assert!(has_title(
        "(农业 OR teacher) distilled",
        "Self-Distilled ResNet-50"
    ));
    assert!(has_title("distillation", "Self-Distilled ResNet-50"));
    assert!(!has_title(
        "distillation -resnet",
        "Self-Distilled ResNet-50"
    ));
    // Flags mean what the field syntax means.
    let by_flag = run(
        index(),
        &["search", "联邦学习", "--year", "2023", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&by_flag.stdout).unwrap();
    assert_eq!(
        ids(&v),
        ids(&search_json(index(), "联邦学习 year:2023", 10))
    );
}

#[test]
fn glossary_expansion_crosses_languages_and_can_be_turned_off() {
    // Pages that say only 联邦学习 are reached by the English query through the glossary.
    let en = search_json(index(), "federated learning", 50);
    let zh = search_json(index(), "联邦学习", 50);
    for id in ids(&zh) {
        assert!(
            ids(&en).contains(&id),
            "federated learning misses {id} that 联邦学习 finds"
        );
    }
    let o = run(
        index(),
        &[
            "search",
            "knowledge distillation",
            "--explain",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["explain"]["expansions"][0]["also"][0], "知识蒸馏");
    let o = run(
        index(),
        &[
            "search",
            "knowledge distillation",
            "--no-expand",
            "--explain",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["explain"]["expansions"].as_array().unwrap().is_empty());
}

#[test]
fn facets_and_sorting() {
    let v = search_json(index(), "year:2020..2030", 50);
    let years: Vec<u64> = v["facets"]["year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[1].as_u64().unwrap())
        .collect();
    assert_eq!(
        years.iter().sum::<u64>(),
        v["total"].as_u64().unwrap(),
        "year facet counts add up to the total"
    );
    let o = run(
        index(),
        &[
            "search",
            "year:2020..2030",
            "--sort",
            "year",
            "--format",
            "json",
            "-n",
            "50",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ys: Vec<u64> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["year"].as_u64().unwrap())
        .collect();
    assert!(ys.windows(2).all(|w| w[0] >= w[1]), "newest first: {ys:?}");
}

#[test]
fn export_writes_every_match_and_csv_parses_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    let o = run(
        index(),
        &[
            "export",
            "year:2020..2030",
            "--format",
            "csv",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let total = search_json(index(), "year:2020..2030", 1)["total"]
        .as_u64()
        .unwrap() as usize;
    assert!(total > 10, "more than one page of matches");
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(r.records().count(), total);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    let o = run(
        index(),
        &["export", "distillation", "-resnet", "--format", "bibtex"],
    );
    let bib = String::from_utf8_lossy(&o.stdout);
    assert!(bib.contains('@') && !bib.contains("ResNet-50"), "{bib}");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_papersift"))
        .args([
            "--index",
            index().to_str().unwrap(),
            "export",
            "year:2000..2100",
            "--format",
            "jsonl",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // dropped here: the pipe closes
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
