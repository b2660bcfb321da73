//! Search on the real shared corpus (`../shared/corpus`), indexed once through the binary.
//! Skips with a message when the corpus is absent.

mod common;
use common::*;
use papersift::analyze::{self, Mode};
use std::path::Path;
use std::sync::OnceLock;

fn index() -> Option<&'static Path> {
    static DIR: OnceLock<Option<tempfile::TempDir>> = OnceLock::new();
    DIR.get_or_init(|| shared_corpus().map(|c| build_index(&c)))
        .as_ref()
        .map(|d| d.path())
}

/// (H1 title, prose of the first section) of a note.
fn title_and_body(p: &Path) -> Option<(String, String)> {
    let text = std::fs::read_to_string(p).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.starts_with("# "))?;
    // Prose under the first section heading: the labelled lines above it become metadata fields.
    let j = i + lines[i..].iter().position(|l| l.starts_with("## "))?;
    let body = lines[j + 1..]
        .iter()
        .take(8)
        .copied()
        .collect::<Vec<_>>()
        .join("\n");
    Some((lines[i][2..].trim().to_string(), body))
}

fn quoted_title(t: &str) -> String {
    format!("title:\"{}\"", t.replace('"', " "))
}

#[test]
fn the_three_acceptance_queries_return_sensible_ranked_hits() {
    let Some(ix) = index() else { return };
    let v = search_json(ix, "federated learning", 10);
    assert!(v["total"].as_u64().unwrap() >= 50, "{}", v["total"]);
    for h in v["hits"].as_array().unwrap().iter().take(5) {
        let t = format!("{} {}", h["title"], h["snippet"]).to_lowercase();
        assert!(
            t.contains("federated"),
            "top hit without the query words: {t}"
        );
    }
    let v = search_json(ix, "联邦学习", 10);
    assert!(v["total"].as_u64().unwrap() >= 50);
    for h in v["hits"].as_array().unwrap().iter().take(5) {
        assert!(
            h["snippet"].as_str().unwrap().contains("联邦学习"),
            "{}",
            h["snippet"]
        );
    }
    let v = search_json(ix, "扩散模型", 10);
    assert!(v["total"].as_u64().unwrap() >= 200);
    for h in v["hits"].as_array().unwrap().iter().take(5) {
        assert!(
            h["snippet"].as_str().unwrap().contains("扩散模型"),
            "{}",
            h["snippet"]
        );
    }
}

#[test]
fn buried_two_character_words_find_their_real_notes() {
    let Some(ix) = index() else { return };
    let mut tried = 0;
    for p in note_files(&repo().join("../shared/corpus/paper-notes"))
        .iter()
        .step_by(97)
    {
        let Some((title, body)) = title_and_body(p) else {
            continue;
        };
        // A 2-character piece of a longer jieba word: jieba never indexed it as a word.
        let buried = analyze::tokens(&body, Mode::Words)
            .into_iter()
            .find_map(|t| {
                let chars: Vec<char> = t.text.chars().collect();
                (chars.len() >= 4 && chars.iter().all(|&c| analyze::is_han(c)))
                    .then(|| chars[1..3].iter().collect::<String>())
            });
        let Some(buried) = buried else { continue };
        let q = format!("{buried} {}", quoted_title(&title));
        let got = titles(&search_json(ix, &q, 5));
        assert!(
            got.contains(&title),
            "{buried:?} did not find {title:?} ({})",
            p.display()
        );
        tried += 1;
    }
    assert!(tried >= 20, "only {tried} notes had a buried word");
}

#[test]
fn traditional_script_queries_find_simplified_notes() {
    let Some(ix) = index() else { return };
    // simplified → one traditional form, from the shipped table
    let s2t: std::collections::HashMap<char, char> = papersift::analyze::fold::T2S_TXT
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let t = it.next()?.chars().next()?;
            let s = it.next()?.chars().next()?;
            Some((s, t))
        })
        .collect();
    let mut tried = 0;
    for p in note_files(&repo().join("../shared/corpus/paper-notes"))
        .iter()
        .step_by(131)
    {
        let Some((title, body)) = title_and_body(p) else {
            continue;
        };
        let run = analyze::han_runs(&body)
            .into_iter()
            .find(|r| r.chars().count() >= 4 && r.chars().take(6).any(|c| s2t.contains_key(&c)));
        let Some(run) = run else { continue };
        let trad: String = run
            .chars()
            .take(6)
            .map(|c| *s2t.get(&c).unwrap_or(&c))
            .collect();
        assert_ne!(trad, run.chars().take(6).collect::<String>());
        let got = titles(&search_json(
            ix,
            &format!("{trad} {}", quoted_title(&title)),
            5,
        ));
        assert!(got.contains(&title), "{trad:?} did not find {title:?}");
        tried += 1;
    }
    assert!(tried >= 15, "only {tried} notes tried");
}
