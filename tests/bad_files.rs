//! Bad input files (issue 6): each is reported with its path and reason, the run goes on, the
//! good files beside it are searchable, exit status is 0, and `index --strict` exits 2.
//!
//! Binary or text is decided by content, never by extension: a PDF named `.md` is skipped, a
//! text file named `.pdf` is indexed.

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// A folder to index, canonical (the messages name canonical paths).
struct Folder {
    _tmp: tempfile::TempDir,
    root: PathBuf,
}

impl Folder {
    fn new() -> Folder {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("papers");
        std::fs::create_dir(&root).expect("mkdir");
        let root = root.canonicalize().expect("canonical root");
        Folder { _tmp: tmp, root }
    }

    /// Writes `bytes` at `rel` (raw bytes: names need not be UTF-8) and returns the path.
    fn write(&self, rel: impl AsRef<OsStr>, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.root.join(rel.as_ref());
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(&p, bytes).expect("write");
        p
    }
}

/// One `index` run: its index dir and what the user saw.
struct Indexed {
    index: tempfile::TempDir,
    code: i32,
    out: String,
    err: String,
}

impl Indexed {
    /// The reason printed for skipping `path`, if it was reported.
    fn skipped(&self, path: &Path) -> Option<&str> {
        let prefix = format!("papersift: skipped {}: ", path.to_string_lossy());
        self.err
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
    }

    /// Like [`Indexed::skipped`], failing with the whole stderr when `path` was not reported.
    fn reason(&self, path: &Path) -> &str {
        self.skipped(path)
            .unwrap_or_else(|| panic!("{} was not reported; stderr:\n{}", path.display(), self.err))
    }

    /// Titles of the hits for `query` (empty when nothing matched).
    fn titles(&self, query: &str) -> Vec<String> {
        common::titles(&common::search_json(self.index.path(), query, 50))
    }

    /// Source paths of the hits for `query`.
    fn paths(&self, query: &str) -> Vec<String> {
        let v = common::search_json(self.index.path(), query, 50);
        v["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| h["source"]["path"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

/// Indexes `folder` into a new index, with `--strict` when asked.
fn index(folder: &Folder, strict: bool) -> Indexed {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args: Vec<&OsStr> = vec![OsStr::new("index"), OsStr::new("--quiet")];
    if strict {
        args.push(OsStr::new("--strict"));
    }
    args.push(folder.root.as_os_str());
    let (code, out, err) = common::run_os(dir.path(), &args);
    Indexed {
        index: dir,
        code,
        out,
        err,
    }
}

/// Indexes `folder` twice: without `--strict` (exit 0, the run went on) and with it (exit 2,
/// the same files reported). Returns the first run.
fn index_both(folder: &Folder, reported: &[&Path]) -> Indexed {
    let lax = index(folder, false);
    assert_eq!(lax.code, 0, "index failed:\n{}\n{}", lax.out, lax.err);
    assert!(lax.out.starts_with("indexed "), "no summary: {}", lax.out);
    let strict = index(folder, true);
    assert_eq!(
        strict.code, 2,
        "--strict must exit 2 when files were skipped:\n{}",
        strict.err
    );
    for p in reported {
        assert_eq!(strict.skipped(p), lax.skipped(p), "{}", p.display());
    }
    lax
}

const GOOD: &str = "# Federated Distillation for Zebrafish Tracking\n\nWe track zebrafish schools with federated distillation.\n";

#[test]
fn binary_files_are_skipped_by_content_not_by_extension() {
    let f = Folder::new();
    f.write("good.md", GOOD);
    let pdf = f.write(
        "paper.md",
        b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    );
    let png = f.write("figure.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    let zip = f.write("archive.txt", b"PK\x03\x04\x14\0\0\0\x08\0notes.md");
    let elf = f.write("tool.md", b"\x7FELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0");
    let exe = f.write("setup.md", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0");
    // Text named .pdf is text.
    f.write(
        "quokka.pdf",
        "# Quokka Habitat Modelling\n\nquokka habitat survey\n",
    );
    let r = index_both(&f, &[&pdf, &png, &zip, &elf, &exe]);
    assert_eq!(r.reason(&pdf), "not text: PDF document");
    assert_eq!(r.reason(&png), "not text: PNG image");
    assert_eq!(r.reason(&zip), "not text: zip archive");
    assert_eq!(r.reason(&elf), "not text: executable (ELF)");
    assert_eq!(r.reason(&exe), "not text: executable (Windows)");
    assert_eq!(
        r.titles("zebrafish"),
        ["Federated Distillation for Zebrafish Tracking"]
    );
    assert_eq!(r.titles("quokka"), ["Quokka Habitat Modelling"]);
    assert!(r.titles("Catalog").is_empty());
}

#[test]
fn empty_files_are_reported() {
    let f = Folder::new();
    f.write("good.md", GOOD);
    let empty = f.write("empty.md", "");
    let blank = f.write("blank.md", " \n\n\t \r\n");
    let r = index_both(&f, &[&empty, &blank]);
    assert_eq!(r.reason(&empty), "empty file");
    assert_eq!(r.reason(&blank), "empty file");
    assert_eq!(r.titles("zebrafish").len(), 1);
}

#[test]
fn files_blank_after_decoding_are_reported_as_empty() {
    let f = Folder::new();
    f.write("good.md", GOOD);
    let bom = f.write("bom_only.md", b"\xEF\xBB\xBF");
    let bom_nl = f.write("bom_newlines.md", b"\xEF\xBB\xBF\r\n\r\n");
    let utf16 = f.write("utf16_blank.md", b"\xFF\xFE \0\n\0");
    let r = index_both(&f, &[&bom, &bom_nl, &utf16]);
    for p in [&bom, &bom_nl, &utf16] {
        assert_eq!(r.reason(p), "empty file");
    }
    assert!(r.titles("bom_only").is_empty());
}

#[test]
fn nul_bytes_inside_text_are_reported() {
    let f = Folder::new();
    f.write("good.md", GOOD);
    // One stray NUL in a short note (at an even offset: it must not pass for UTF-16).
    let stray = f.write("stray.md", b"# Platypus Notes\n\nplatypus\0 habitat\n");
    assert_eq!(
        std::fs::read(&stray).unwrap().iter().position(|&b| b == 0),
        Some(26)
    );
    // A note whose tail was zeroed (as after a crash), past the first 8 KiB.
    let mut tail = b"# Echidna Survey\n\n".to_vec();
    tail.extend(b"echidna spines and burrows. ".repeat(400));
    tail.extend([0u8; 4096]);
    let zeroed = f.write("zeroed.md", tail);
    // Real NUL bytes in a binary blob.
    let blob = f.write(
        "data.md",
        b"\x01\x02\0\0\x10\x80\xFE\0\x07\0\0\x03abc\0\0\0\0\x05",
    );
    // UTF-16 without a byte-order mark is text, whatever its NULs.
    let utf16: Vec<u8> = "# Wombat Burrows\n\nwombat burrow 袋熊 study\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    f.write("utf16le.md", utf16);
    let r = index_both(&f, &[&stray, &zeroed, &blob]);
    assert_eq!(
        r.reason(&stray),
        "not text: text with NUL bytes (a damaged file?)"
    );
    assert_eq!(
        r.reason(&zeroed),
        "not text: text with NUL bytes (a damaged file?)"
    );
    assert_eq!(r.reason(&blob), "not text: binary data (NUL bytes)");
    assert_eq!(r.titles("wombat"), ["Wombat Burrows"]);
    assert_eq!(r.titles("zebrafish").len(), 1);
}

/// Whether this process can read a file with mode 000 (root, CAP_DAC_OVERRIDE): then
/// permission tests cannot fail and are skipped.
fn reads_ignore_permissions(probe: &Path) -> bool {
    std::fs::File::open(probe).is_ok()
}

#[test]
fn unreadable_files_and_folders_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let f = Folder::new();
    f.write("good.md", GOOD);
    let file = f.write("locked.md", "# Locked\n\nlocked text\n");
    f.write("private/inside.md", "# Inside\n\ninside text\n");
    let dir = f.root.join("private");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    if reads_ignore_permissions(&file) {
        eprintln!(
            "skipped: running as root (euid 0) or with CAP_DAC_OVERRIDE: mode 000 does not stop \
             reads, so unreadable files cannot be made here"
        );
        return;
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = index_both(&f, &[&file, &dir]);
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        r.reason(&file).contains("Permission denied"),
        "{}",
        r.reason(&file)
    );
    assert!(
        r.reason(&dir).contains("Permission denied"),
        "{}",
        r.reason(&dir)
    );
    assert_eq!(r.titles("zebrafish").len(), 1);
}

#[test]
fn symlink_loops_broken_links_and_links_leaving_the_root_are_reported() {
    use std::os::unix::fs::symlink;
    let f = Folder::new();
    f.write("good.md", GOOD);
    let outside = f.root.parent().unwrap().join("elsewhere");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(
        outside.join("secret.md"),
        "# Narwhal Secrets\n\nnarwhal tusks\n",
    )
    .unwrap();
    std::fs::create_dir(f.root.join("sub")).unwrap();
    let loop_dir = f.root.join("sub/loop");
    symlink(&f.root, &loop_dir).unwrap();
    let self_link = f.root.join("self.md");
    symlink("self.md", &self_link).unwrap();
    let broken = f.root.join("broken.md");
    symlink("missing.md", &broken).unwrap();
    let out_file = f.root.join("secret.md");
    symlink(outside.join("secret.md"), &out_file).unwrap();
    let out_dir = f.root.join("elsewhere");
    symlink(&outside, &out_dir).unwrap();
    // A link that stays inside the root is followed.
    f.write("real/tapir.md", "# Tapir Ecology\n\ntapir browsing\n");
    symlink(f.root.join("real"), f.root.join("alias")).unwrap();

    let r = index_both(&f, &[&loop_dir, &self_link, &broken, &out_file, &out_dir]);
    assert_eq!(r.reason(&loop_dir), "symbolic link loop");
    assert!(
        r.reason(&self_link).starts_with("broken link to self.md: "),
        "{}",
        r.reason(&self_link)
    );
    assert_eq!(
        r.reason(&broken),
        "broken link to missing.md: target does not exist"
    );
    assert_eq!(
        r.reason(&out_file),
        format!(
            "link points outside the folder (to {})",
            outside.join("secret.md").display()
        )
    );
    assert_eq!(
        r.reason(&out_dir),
        format!(
            "folder link points outside the folder (to {})",
            outside.display()
        )
    );
    assert!(
        r.titles("narwhal").is_empty(),
        "a file outside the root was indexed"
    );
    assert_eq!(r.titles("tapir"), ["Tapir Ecology"]);
    assert_eq!(r.titles("zebrafish").len(), 1);
}

#[test]
fn files_that_vanish_or_change_after_the_walk_cost_only_themselves() {
    use papersift::ingest::{process_file, FileOutcome};
    let f = Folder::new();
    f.write("a_gone.md", "# Gone\n\ngone\n");
    f.write("b_dir.md", "# Dir\n\ndir\n");
    f.write("c_pdf.md", "# Pdf\n\npdf\n");
    f.write("d_grown.md", "# Short\n");
    let (files, skips) = papersift::walk::walk(&f.root);
    assert!(skips.is_empty());
    assert_eq!(files.len(), 4);
    // Between the walk and the read: deleted, replaced by a folder, overwritten, grown.
    std::fs::remove_file(f.root.join("a_gone.md")).unwrap();
    std::fs::remove_file(f.root.join("b_dir.md")).unwrap();
    std::fs::create_dir(f.root.join("b_dir.md")).unwrap();
    f.write("c_pdf.md", b"%PDF-1.4\n");
    f.write(
        "d_grown.md",
        "# Grown Title\n\n".to_string() + &"much longer now ".repeat(1000),
    );
    let outcomes: Vec<Result<String, String>> = files
        .iter()
        .map(|s| match process_file(&s.path, &s.rel) {
            FileOutcome::Skipped(why) => Err(why),
            FileOutcome::Parsed { sightings, .. } => Ok(sightings[0].title.clone()),
        })
        .collect();
    let gone = outcomes[0].clone().unwrap_err();
    assert!(
        gone.starts_with("cannot read: ") && gone.contains("No such file"),
        "{gone}"
    );
    let dir = outcomes[1].clone().unwrap_err();
    assert!(
        dir.starts_with("cannot read: ") && dir.contains("directory"),
        "{dir}"
    );
    assert_eq!(outcomes[2], Err("not text: PDF document".to_string()));
    assert_eq!(outcomes[3], Ok("Grown Title".to_string()));
}

#[test]
fn names_that_are_not_utf8_are_read_and_shown() {
    let f = Folder::new();
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let name = [gbk("联邦学习笔记"), b".md".to_vec()].concat();
    let note = f.write(
        OsStr::from_bytes(&name),
        "# 联邦学习笔记\n\n关于 narwhal 的联邦学习。\n",
    );
    // No title inside: the title comes from the (GBK) name.
    let untitled = [gbk("无标题"), b".md".to_vec()].concat();
    f.write(OsStr::from_bytes(&untitled), "---\ntags: [axolotl]\n---\n");
    let folder = [gbk("论文"), b"/note.md".to_vec()].concat();
    f.write(
        OsStr::from_bytes(&folder),
        "# Folder Note\n\ntapir in a GBK folder\n",
    );
    let pdf = f.write(
        OsStr::from_bytes(&[gbk("坏"), b".pdf".to_vec()].concat()),
        b"%PDF-1.4\n",
    );
    assert!(note.to_str().is_none() && pdf.to_str().is_none());

    let r = index_both(&f, &[&pdf]);
    assert_eq!(r.reason(&pdf), "not text: PDF document");
    let shown = note.to_string_lossy().into_owned();
    assert!(shown.contains('\u{FFFD}'));
    assert_eq!(r.paths("narwhal"), std::slice::from_ref(&shown));
    assert_eq!(r.titles("axolotl"), ["无标题"]);
    assert_eq!(r.titles("tapir"), ["Folder Note"]);

    let idx = r.index.path();
    let (code, out, err) = common::run_ok(idx, &["search", "narwhal"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&shown),
        "search does not show the name:\n{out}"
    );
    let id = common::ids(&common::search_json(idx, "narwhal", 1))[0].clone();
    for fmt in ["text", "json"] {
        let (code, out, err) = common::run_ok(idx, &["show", &id, "--format", fmt]);
        assert_eq!(code, 0, "show --format {fmt}: {err}");
        let out = if fmt == "json" {
            serde_json::from_str::<serde_json::Value>(&out)
                .expect("show --format json prints JSON")
                .to_string()
        } else {
            out
        };
        assert!(
            out.contains(&shown),
            "show --format {fmt} does not show the name:\n{out}"
        );
    }
    for fmt in ["csv", "jsonl", "csl-json", "bibtex", "markdown"] {
        let (code, out, err) = common::run_ok(idx, &["export", "narwhal", "--format", fmt]);
        assert_eq!(code, 0, "export --format {fmt}: {err}");
        assert!(
            out.contains("联邦学习笔记"),
            "export --format {fmt} lost the paper:\n{out}"
        );
        // The formats that list source files show the name (lossily).
        if matches!(fmt, "csv" | "jsonl" | "csl-json") {
            assert!(out.contains(&shown), "export --format {fmt}:\n{out}");
        }
    }
}

/// A 1 MB line of `unit` repeated, without a newline, ending in `last`.
fn long_line(title: &str, unit: &str, last: &str) -> String {
    let mut s = format!("# {title}\n\n");
    while s.len() < 1 << 20 {
        s.push_str(unit);
    }
    s.push_str(last);
    s
}

#[test]
fn one_megabyte_lines_are_indexed_whole() {
    let f = Folder::new();
    f.write("good.md", GOOD);
    f.write(
        "clean_en.md",
        long_line("Long English Line", "federated learning round ", "quetzal"),
    );
    f.write(
        "clean_zh.md",
        long_line("长中文行", "联邦学习的隐私保护与通信效率，", " kinkajou"),
    );
    // UTF-8 read as Windows-1252 and saved again as UTF-8: mojibake all along the line.
    let clean = long_line("Mojibake Line", "知识蒸馏与模型压缩，", " ocelot");
    let (moji, _, _) = encoding_rs::WINDOWS_1252.decode(clean.as_bytes());
    f.write("mojibake.md", moji.as_bytes());
    let one_line = f.write(
        "no_newline_at_all.md",
        "serval ".repeat((1 << 20) / 7) + "caracal",
    );
    assert!(!std::fs::read(&one_line).unwrap().contains(&b'\n'));

    let r = index(&f, true);
    assert_eq!(r.code, 0, "{}\n{}", r.out, r.err);
    assert!(!r.err.contains("skipped"), "{}", r.err);
    // The last word of each line is found: lines are not cut.
    assert_eq!(r.titles("quetzal"), ["Long English Line"]);
    assert_eq!(r.titles("kinkajou"), ["长中文行"]);
    assert_eq!(r.titles("ocelot").len(), 1);
    assert_eq!(r.titles("caracal").len(), 1);
    assert_eq!(r.titles("zebrafish").len(), 1);
}

#[test]
fn broken_front_matter_still_gives_a_searchable_paper() {
    let f = Folder::new();
    f.write("good.md", GOOD);
    f.write(
        "unterminated.md",
        "---\ntitle: Unterminated Capybara Study\ndate: 2024-01-01\n\nBody about capybara herds.\n",
    );
    f.write(
        "invalid.md",
        "---\ntitle: [unclosed \"quote\n: no key here\n\t- tab item\nauthors: - - -\nkey without colon\ntags: [a, b\n---\n# Heading About Tapir\n\nBody about tapir.\n",
    );
    f.write(
        "only.md",
        "---\ntitle: Only Front Matter Okapi\ntags: [okapi]\n---\n",
    );
    f.write("only_open.md", "---\ntitle: Open Front Matter Margay\n");
    f.write("lone_fence.md", "---\n");
    let r = index(&f, true);
    assert_eq!(r.code, 0, "{}\n{}", r.out, r.err);
    assert_eq!(r.titles("capybara"), ["Unterminated Capybara Study"]);
    assert_eq!(r.titles("tapir"), ["Heading About Tapir"]);
    assert_eq!(r.titles("okapi"), ["Only Front Matter Okapi"]);
    assert_eq!(r.titles("margay"), ["Open Front Matter Margay"]);
    assert_eq!(r.titles("lone_fence"), ["lone_fence"]);
}

/// Writes a 200 MB page: a title, then paragraphs (all alike, or varied words in English and
/// Chinese), then `margay` past the 64 MiB cap.
fn huge_file(f: &Folder, varied: bool) -> PathBuf {
    use std::io::Write;
    let big = f.root.join("huge.md");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&big).unwrap());
    w.write_all(b"# Huge Digest of Jaguarundi Papers\n\n")
        .unwrap();
    let words = [
        "federated",
        "distillation",
        "graph",
        "diffusion",
        "contrastive",
        "transformer",
        "retrieval",
        "benchmark",
        "robust",
        "联邦学习",
        "知识蒸馏",
        "图神经网络",
        "扩散模型",
    ];
    let alike = "jaguarundi observations and federated distillation notes. ".repeat(20) + "\n\n";
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut n = 0;
    while n < 200_000_000 {
        let para = if varied {
            let mut p = String::new();
            for _ in 0..120 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                p.push_str(words[(state % words.len() as u64) as usize]);
                p.push(' ');
            }
            p + "\n\n"
        } else {
            alike.clone()
        };
        w.write_all(para.as_bytes()).unwrap();
        n += para.len();
    }
    w.write_all(b"margay\n").unwrap();
    w.flush().unwrap();
    big
}

fn check_huge(varied: bool) {
    let f = Folder::new();
    f.write("good.md", GOOD);
    let big = huge_file(&f, varied);
    let r = index_both(&f, &[&big]);
    assert_eq!(
        r.reason(&big),
        "larger than 64 MiB: only the first 64 MiB indexed"
    );
    assert_eq!(r.titles("jaguarundi"), ["Huge Digest of Jaguarundi Papers"]);
    assert!(r.titles("margay").is_empty(), "text past the cap was read");
    assert_eq!(r.titles("zebrafish").len(), 1);
}

/// A 200 MB file is read up to `ingest::MAX_FILE_BYTES` and reported. Its paragraphs are all
/// alike, which the parser drops as repeated furniture, so indexing takes a second.
#[test]
fn huge_file_is_indexed_up_to_the_cap_and_reported() {
    check_huge(false);
}

/// The same with varied text, to measure memory by hand:
/// `/usr/bin/time -v cargo test --release --test bad_files -- --ignored huge_varied`.
/// Measured on the binary (64 MiB of varied text indexed as one record): peak RSS 888 MiB,
/// 2 minutes on a shared 2-core machine; see the issue 6 report for what dominates.
#[test]
#[ignore = "slow: indexes 64 MiB of varied text (minutes)"]
fn huge_varied_file_is_indexed_up_to_the_cap_and_reported() {
    check_huge(true);
}

#[test]
fn special_files_are_reported_not_opened() {
    let f = Folder::new();
    f.write("good.md", GOOD);
    // Reading a named pipe would block the run forever.
    let fifo = f.root.join("pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo is not available here");
        return;
    }
    let r = index_both(&f, &[&fifo]);
    assert_eq!(r.reason(&fifo), "not a regular file (named pipe)");
    assert_eq!(r.titles("zebrafish").len(), 1);
}
