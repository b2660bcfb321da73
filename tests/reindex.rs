//! Incremental runs, `reindex`, the writer lock and `kill -9`: whole commands on real files.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A reading note in the layout of the notes corpus.
fn note(title: &str, arxiv: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title} 论文笔记\"\n---\n\n# {title}\n\n**会议**: CVPR 2023\n**arXiv**: {arxiv}\n**作者**: Ada Lovelace, 张三\n\n## 一句话总结\n\n{body}\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(p, text).unwrap();
}

fn index_run(index: &Path, args: &[&str]) -> String {
    let (code, out, err) = run_ok(index, args);
    assert_eq!(code, 0, "papersift {args:?} failed: {out}\n{err}");
    out
}

fn stats(index: &Path) -> serde_json::Value {
    let (code, out, err) = run_ok(index, &["stats", "--format", "json"]);
    assert_eq!(code, 0, "stats failed: {err}");
    serde_json::from_str(&out).expect("stats prints JSON")
}

fn show_sources(index: &Path, id: &str) -> Vec<String> {
    let (code, out, err) = run_ok(index, &["show", id, "--format", "json"]);
    assert_eq!(code, 0, "show {id} failed: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("show prints JSON");
    v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Everything a user can see of an index, for comparing two of them.
fn fingerprint(index: &Path, queries: &[&str]) -> Vec<String> {
    let s = stats(index);
    let mut out = vec![format!(
        "files {} records {} papers {} documents {}",
        s["files_read"], s["records"], s["papers"], s["documents"]
    )];
    for q in queries {
        let mut ids = ids(&search_json(index, q, 5000));
        ids.sort();
        // Count and a digest keep a failure message readable.
        let digest = ids.iter().fold(0u64, |h, id| {
            id.bytes().fold(h.rotate_left(5), |h, b| {
                h.wrapping_mul(31).wrapping_add(b.into())
            })
        });
        out.push(format!("{q}: {} hits, digest {digest:x}", ids.len()));
    }
    out
}

#[test]
fn a_second_run_reads_only_what_changed_and_papers_keep_their_other_sightings() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    let quokka = note(
        "Quokka Routing for Sparse Experts",
        "2301.00001",
        "稀疏专家路由的新方法。",
    );
    write(c, "a/quokka.md", &quokka);
    write(c, "b/quokka-copy.md", &quokka);
    write(
        c,
        "a/pelican.md",
        &note("Pelican Diffusion Priors", "2301.00002", "扩散模型先验。"),
    );
    let ix = tempfile::tempdir().unwrap();
    let ix = ix.path();
    let out = index_run(ix, &["index", c.to_str().unwrap()]);
    assert!(out.starts_with("indexed 3 files"), "{out}");
    assert_eq!(show_sources(ix, "2301.00001").len(), 2);

    // Nothing changed: nothing is read or written; the folder is remembered.
    let out = index_run(ix, &["index"]);
    assert!(out.starts_with("up to date"), "{out}");

    // A touched file whose bytes are the same is not re-parsed into anything new.
    let f = std::fs::File::options()
        .append(true)
        .open(c.join("a/pelican.md"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now()).unwrap();
    drop(f);
    let out = index_run(ix, &["index"]);
    assert!(out.contains("0 papers written"), "{out}");

    // An edited title replaces the paper; the old title is gone.
    write(
        c,
        "a/pelican.md",
        &note("Wombat Diffusion Priors", "2301.00002", "扩散模型先验。"),
    );
    let out = index_run(ix, &["index"]);
    assert!(out.contains("1 changed"), "{out}");
    assert_eq!(
        titles(&search_json(ix, "wombat", 10)),
        ["Wombat Diffusion Priors"]
    );
    assert!(titles(&search_json(ix, "pelican", 10)).is_empty());

    // One of two copies deleted: the paper stays, with one source.
    std::fs::remove_file(c.join("b/quokka-copy.md")).unwrap();
    let out = index_run(ix, &["index"]);
    assert!(out.contains("1 removed files"), "{out}");
    let sources = show_sources(ix, "2301.00001");
    assert_eq!(sources.len(), 1, "{sources:?}");
    assert!(sources[0].contains("a/quokka.md"), "{sources:?}");

    // A new file and a renamed one.
    write(
        c,
        "c/otter.md",
        &note("Otter Federated Averaging", "2301.00003", "联邦学习聚合。"),
    );
    std::fs::rename(c.join("a/quokka.md"), c.join("c/quokka-renamed.md")).unwrap();
    let out = index_run(ix, &["index"]);
    assert!(
        out.contains("2 new") && out.contains("1 removed files"),
        "{out}"
    );
    assert_eq!(
        titles(&search_json(ix, "联邦学习", 10)),
        ["Otter Federated Averaging"]
    );
    let sources = show_sources(ix, "2301.00001");
    assert!(
        sources.len() == 1 && sources[0].contains("quokka-renamed.md"),
        "{sources:?}"
    );

    // The incremental index equals a fresh build of the same folder.
    let fresh = tempfile::tempdir().unwrap();
    index_run(fresh.path(), &["index", c.to_str().unwrap()]);
    let qs = ["quokka", "wombat", "联邦学习", "扩散模型", "year:2023"];
    assert_eq!(fingerprint(ix, &qs), fingerprint(fresh.path(), &qs));
    let s = stats(ix);
    assert_eq!(s["papers"], s["documents"]);
}

#[test]
fn reindex_rebuilds_from_the_remembered_folders_and_an_old_schema_is_rebuilt_on_index() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    write(
        c,
        "n1.md",
        &note("Heron Graph Pooling", "2302.00001", "图神经网络池化。"),
    );
    let ix = tempfile::tempdir().unwrap();
    let ix = ix.path();
    index_run(ix, &["index", c.to_str().unwrap()]);
    let gen_before = std::fs::read_to_string(ix.join("CURRENT")).unwrap();
    let out = index_run(ix, &["reindex"]);
    assert!(out.starts_with("indexed 1 files"), "{out}");
    let gen_after = std::fs::read_to_string(ix.join("CURRENT")).unwrap();
    assert_ne!(gen_before, gen_after, "reindex builds a new generation");
    assert!(
        !ix.join(gen_before.trim()).exists(),
        "old generation removed"
    );
    assert_eq!(
        titles(&search_json(ix, "heron", 10)),
        ["Heron Graph Pooling"]
    );

    // Pretend the index came from a papersift with another schema.
    let gen = ix.join(gen_after.trim());
    let meta = std::fs::read_dir(&gen)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("meta-")
        })
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    v["schema_version"] = 1.into();
    std::fs::write(&meta, serde_json::to_vec(&v).unwrap()).unwrap();
    let (code, _, err) = run_ok(ix, &["search", "heron"]);
    assert_eq!(code, 2);
    assert!(err.contains("papersift reindex"), "{err}");
    let (code, out, err) = run_ok(ix, &["index"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("schema version 1"), "{err}");
    assert!(out.starts_with("indexed 1 files"), "{out}");
    assert_eq!(
        titles(&search_json(ix, "heron", 10)),
        ["Heron Graph Pooling"]
    );
}

#[test]
fn a_second_writer_is_refused_at_once_while_readers_go_on() {
    let corpus = tempfile::tempdir().unwrap();
    write(
        corpus.path(),
        "n.md",
        &note(
            "Ibis Token Merging",
            "2303.00001",
            "视觉Transformer的令牌合并。",
        ),
    );
    let ix = tempfile::tempdir().unwrap();
    let ix = ix.path();
    index_run(ix, &["index", corpus.path().to_str().unwrap()]);
    // Hold the lock the way a running `papersift index` does.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(ix.join("LOCK"))
        .unwrap();
    lock.try_lock().unwrap();
    std::fs::write(ix.join("LOCK"), "pid 4242 since unix time 0").unwrap();
    let started = Instant::now();
    let (code, _, err) = run_ok(ix, &["index"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("another papersift is writing") && err.contains("pid 4242"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused at once"
    );
    assert_eq!(titles(&search_json(ix, "ibis", 10)), ["Ibis Token Merging"]);
    let (code, out, _) = run_ok(ix, &["export", "ibis", "--format", "bibtex"]);
    assert_eq!(code, 0);
    assert!(out.contains("Ibis Token Merging"));
    drop(lock);
    index_run(ix, &["index"]);
}

/// A folder of `n` notes; `round` changes the text of every third one.
fn synthetic_corpus(dir: &Path, n: usize, round: usize) {
    for i in 0..n {
        let marker = if i % 3 == 0 {
            format!("round{round}")
        } else {
            "steady".to_string()
        };
        let body = format!(
            "Paper {i} studies synthetic benchmark {i} with marker {marker}. 第{i}篇论文研究联邦学习与知识蒸馏，{marker}。 {}",
            "Long filler sentence about graph neural networks and diffusion models. ".repeat(20)
        );
        write(
            dir,
            &format!("d{}/note{i:05}.md", i % 20),
            &note(
                &format!("Synthetic Paper Number {i}"),
                &format!("2401.{i:05}"),
                &body,
            ),
        );
    }
}

/// Checks that the index opens, and that what it holds is one whole commit.
fn assert_consistent(ix: &Path, what: &str) {
    let (code, out, err) = run_ok(ix, &["stats", "--format", "json"]);
    assert_eq!(code, 0, "{what}: stats failed: {err}");
    let s: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        s["papers"], s["documents"],
        "{what}: the recorded paper count and the documents differ"
    );
    let v = search_json(ix, "synthetic", 5);
    assert!(
        v["total"].as_u64().unwrap() > 0,
        "{what}: search finds nothing"
    );
}

#[test]
fn kill_9_at_any_moment_leaves_the_last_commit_searchable_and_the_next_run_finishes() {
    const N: usize = 1500;
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    synthetic_corpus(c, N, 0);
    let ix = tempfile::tempdir().unwrap();
    let ix = ix.path();
    let spawn = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_papersift"))
            .arg("--index")
            .arg(ix)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    // A first build killed early leaves no index, and says so; the next run builds it.
    let mut child = spawn(&["index", c.to_str().unwrap()]);
    std::thread::sleep(Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();
    let (code, _, err) = run_ok(ix, &["search", "synthetic"]);
    assert!(
        code == 2 && err.contains("no index") || code == 0,
        "after a killed first build: {code} {err}"
    );
    let t = Instant::now();
    index_run(ix, &["index", c.to_str().unwrap()]);
    let full = t.elapsed();
    assert_consistent(ix, "after the first build");

    // Incremental runs and reindexes killed at spread-out moments of their run.
    let mut killed_states = Vec::new();
    for (k, frac) in [0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95]
        .iter()
        .enumerate()
    {
        let round = k + 1;
        synthetic_corpus(c, N, round);
        let args: &[&str] = if k % 2 == 0 { &["index"] } else { &["reindex"] };
        let mut child = spawn(args);
        std::thread::sleep(full.mul_f64(*frac));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        let _ = child.wait();
        let what = format!("{args:?} killed at {:.0}% of a build", frac * 100.0);
        assert_consistent(ix, &what);
        // Either the old commit (marker of an earlier round) or the new one, never a mix.
        let now = search_json(ix, &format!("round{round}"), 1000)["total"]
            .as_u64()
            .unwrap();
        assert!(
            now == 0 || now == N.div_ceil(3) as u64,
            "{what}: {now} papers carry the new marker (finished: {finished})"
        );
        killed_states.push(now > 0);
    }

    // The next run finishes the job: the result equals a fresh build of the folder.
    index_run(ix, &["index"]);
    let fresh = tempfile::tempdir().unwrap();
    index_run(fresh.path(), &["index", c.to_str().unwrap()]);
    let qs = ["synthetic", "round8", "steady", "联邦学习"];
    assert_eq!(fingerprint(ix, &qs), fingerprint(fresh.path(), &qs));
    eprintln!("kill points that had already committed: {killed_states:?}");
}

/// Polls `cond` until it holds or `secs` pass.
fn wait_until(secs: u64, mut cond: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < until {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

#[test]
fn watch_applies_creations_changes_renames_and_deletions() {
    use std::io::BufRead;
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    write(
        c,
        "first.md",
        &note("Jackal Sparse Attention", "2304.00001", "稀疏注意力。"),
    );
    let ix = tempfile::tempdir().unwrap();
    let ix = ix.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_papersift"))
        .arg("--index")
        .arg(ix)
        .args(["index", "--watch", c.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let first = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    assert!(first.contains("indexed 1 files"), "{first}");
    let found = |q: &str| titles(&search_json(ix, q, 10));

    write(
        c,
        "sub/second.md",
        &note("Kestrel Video Tokens", "2304.00002", "视频令牌。"),
    );
    assert!(
        wait_until(30, || found("kestrel") == ["Kestrel Video Tokens"]),
        "a created file is indexed"
    );
    write(
        c,
        "sub/second.md",
        &note("Lemur Video Tokens", "2304.00002", "视频令牌。"),
    );
    assert!(
        wait_until(30, || found("lemur") == ["Lemur Video Tokens"]
            && found("kestrel").is_empty()),
        "a changed file is re-read"
    );
    std::fs::rename(c.join("sub/second.md"), c.join("renamed.md")).unwrap();
    assert!(
        wait_until(30, || show_sources(ix, "2304.00002")
            .iter()
            .any(|s| s.contains("renamed.md"))),
        "a renamed file keeps its paper under the new name"
    );
    std::fs::remove_file(c.join("first.md")).unwrap();
    assert!(
        wait_until(30, || found("jackal").is_empty()),
        "a deleted file's paper is removed"
    );
    let _ = child.kill();
    let _ = child.wait();
    let batches: Vec<String> = rx.try_iter().collect();
    assert!(!batches.is_empty(), "one log line per batch");
    for b in &batches {
        assert!(
            b.len() > 10 && b.as_bytes()[2] == b':' && b.contains(" s: "),
            "batch line: {b}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_write_error_mid_run_says_so_and_leaves_the_last_index_searchable() {
    let corpus = tempfile::tempdir().unwrap();
    let c = corpus.path();
    write(
        c,
        "n.md",
        &note(
            "Marmot Contrastive Pretraining",
            "2305.00001",
            "对比学习预训练。",
        ),
    );
    let ix = tempfile::tempdir().unwrap();
    let ix = ix.path();
    index_run(ix, &["index", c.to_str().unwrap()]);
    synthetic_corpus(c, 300, 0);
    // A file size limit makes writes fail the way a full disk does (EFBIG instead of ENOSPC).
    for cmd in ["index", "reindex"] {
        let o = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f 40; exec \"$0\" --index \"$1\" {cmd}"
            ))
            .arg(env!("CARGO_BIN_EXE_papersift"))
            .arg(ix)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {err}");
        assert!(
            err.contains("could not write the index") && err.contains("unchanged"),
            "{cmd}: {err}"
        );
        assert_eq!(
            titles(&search_json(ix, "marmot", 10)),
            ["Marmot Contrastive Pretraining"]
        );
        assert_consistent_counts(ix, 1);
        let gens = std::fs::read_dir(ix)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with("gen-")
            })
            .count();
        assert_eq!(
            gens, 1,
            "{cmd}: a failed build leaves no partial generation"
        );
    }
    let out = index_run(ix, &["index"]);
    assert!(out.contains("index holds 301 files"), "{out}");
}

fn assert_consistent_counts(ix: &Path, papers: u64) {
    let s = stats(ix);
    assert_eq!(s["papers"], papers);
    assert_eq!(s["documents"], papers);
}
