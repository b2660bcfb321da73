//! A loop-based fuzzer for `decode` → `parse`, shared by `tests/fuzz_decode_parse.rs` (a short
//! run in `cargo test`) and `examples/fuzz_decode_parse.rs` (long runs by hand).
//!
//! Inputs are random bytes, mutations of the files in `sample-corpus/`, and structured pages
//! assembled from fragments: UTF-8, GBK, Big5, Shift_JIS and UTF-16 text, mojibake, front matter,
//! markdown headings, digest lines and very long lines. Each input goes through
//! [`papersift::walk::sniff_binary`], [`papersift::decode::decode`] and
//! [`papersift::parse::parse`]; [`check`] asserts that nothing panics and a few invariants hold.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// A small, fast, seedable generator (xorshift64*), so a seed replays a run exactly.
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed` (any value, 0 included).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
    /// A random element of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The files of `sample-corpus/` (bytes), the seeds for mutation.
pub fn samples() -> Vec<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-corpus");
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let Ok(e) = e else { continue };
        if e.file_type().is_file() {
            if let Ok(b) = std::fs::read(e.path()) {
                out.push(b);
            }
        }
    }
    out
}

const TEXTS: &[&str] = &[
    "联邦学习中的隐私保护与通信效率",
    "知识蒸馏（Knowledge Distillation）是一种模型压缩方法。",
    "Federated learning with differential privacy",
    "图神经网络 GNN 在推荐系统中的应用",
    "扩散模型 Diffusion Models 生成高质量图像，CVPR 2025 (Oral)",
    "对比学习、自监督学习與語義分割",
    "強化學習の物体検出",
    "émigré café naïve Zürich — “quotes” ‘single’ … ±5 °C µm ×2 ÷3",
    "😀🚀 emoji 𠀀 ext-B",
    "\u{200b}\u{feff}\u{fffd}\u{202e}rtl\u{0301}",
    "\t tabs \x0b vt \x0c ff \x1b[31m ansi",
];

const MARKUP: &[&str] = &[
    "---\n",
    "...\n",
    "title: ",
    "title: >-\n  [论文解读] X\n",
    "tags: [CVPR 2025, \"a, b\", 'c'\n",
    "tags:\n  - x\n  - \n",
    "date: 2024-13-45\n",
    "authors: - - -\n",
    ": no key\n",
    "url: https://openaccess.thecvf.com/content/CVPR2023/papers/x.pdf\n",
    "# ",
    "## ",
    "###### ",
    "####### ",
    "### [1] [T [x]](https://arxiv.org/abs/2401.00001v2)\n",
    "*A,B*\n",
    "**会议**: CVPR 2023 (Oral)\n",
    "## | 01 Title（Oral）\n",
    "**论文作者**：张三（某大学）\n",
    "Authors:A, B\n",
    "Authors:\n",
    "PDF Accepted (Poster) at ICML 2025\n",
    "arXiv: 2203.16427v2 hep-th/9901001\n",
    "相关文章\n- [x](http://y)\n",
    "<!-- c\n",
    "-->\n",
    "```\n",
    "~~~\n",
    "| 会议 | 领域 |\n|---|---|\n",
    "一、",
    "【",
    "](",
    "[",
    "(http://",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "- ",
    "1. ",
    "> ",
    "**",
    "关键词：",
    "Keywords: a; b",
    "摘要：",
    "Abstract: ",
];

/// Encodes `s` in one of the encodings the decoder must cope with, or as mojibake.
fn encoded(rng: &mut Rng, s: &str) -> Vec<u8> {
    use encoding_rs::*;
    match rng.below(11) {
        0..=3 => s.as_bytes().to_vec(),
        4 => GBK.encode(s).0.into_owned(),
        5 => BIG5.encode(s).0.into_owned(),
        6 => SHIFT_JIS.encode(s).0.into_owned(),
        7 => s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
        8 => s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
        _ => {
            // Mojibake: UTF-8 (or GBK) bytes read as a legacy encoding, saved as UTF-8 again.
            let bytes = if rng.one_in(2) {
                s.as_bytes().to_vec()
            } else {
                GBK.encode(s).0.into_owned()
            };
            let via = *rng.pick(&[WINDOWS_1252, GBK, BIG5, WINDOWS_1254, SHIFT_JIS]);
            let (t, _) = via.decode_without_bom_handling(&bytes);
            let mut out = t.into_owned().into_bytes();
            if rng.one_in(2) {
                // Twice, sometimes.
                out = WINDOWS_1252
                    .decode_without_bom_handling(&out)
                    .0
                    .into_owned()
                    .into_bytes();
            }
            out
        }
    }
}

/// A page assembled from fragments.
fn structured(rng: &mut Rng) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.one_in(8) {
        const BOMS: [&[u8]; 3] = [b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF"];
        let bom = BOMS[rng.below(BOMS.len())];
        out.extend_from_slice(bom);
    }
    let parts = rng.below(40);
    for _ in 0..parts {
        match rng.below(10) {
            0..=3 => out.extend_from_slice(rng.pick(MARKUP).as_bytes()),
            4..=7 => {
                let t = *rng.pick(TEXTS);
                let b = encoded(rng, t);
                out.extend_from_slice(&b);
            }
            8 => {
                // A very long line, clean or mojibake, sometimes without a newline.
                let t = *rng.pick(TEXTS);
                let max = if rng.one_in(200) { 5_000 } else { 100 };
                let n = 1 + rng.below(max);
                let line = t.repeat(n);
                let b = encoded(rng, &line);
                out.extend_from_slice(&b);
            }
            _ => {
                let n = rng.below(16);
                for _ in 0..n {
                    out.push(rng.next() as u8);
                }
            }
        }
    }
    out
}

/// `base` with a few random edits: flips, insertions, deletions, splices, truncation.
fn mutated(rng: &mut Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    let edits = 1 + rng.below(8);
    for _ in 0..edits {
        let len = b.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                let random = rng.next() as u8;
                let byte = *rng.pick(&[0u8, b'\n', b'\r', b'-', b'#', 0xFF, 0xE4, random]);
                b.insert(i, byte);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below((len - i).min(64) + 1);
                b.drain(i..i + n);
            }
            3 if !other.is_empty() => {
                let i = rng.below(len + 1);
                let j = rng.below(other.len());
                let n = rng.below((other.len() - j).min(512) + 1);
                b.splice(i..i, other[j..j + n].iter().copied());
            }
            4 if len > 0 => b.truncate(rng.below(len)),
            5 if len > 0 => {
                let i = rng.below(len);
                let n = rng.below((len - i).min(256) + 1);
                let chunk: Vec<u8> = b[i..i + n].to_vec();
                for _ in 0..1 + rng.below(50) {
                    b.splice(i..i, chunk.iter().copied());
                }
            }
            6 => {
                let i = rng.below(len + 1);
                let m = rng.pick(MARKUP).as_bytes();
                b.splice(i..i, m.iter().copied());
            }
            _ => {
                // Remove every newline: one long line.
                if rng.one_in(4) {
                    b.retain(|&c| c != b'\n');
                }
            }
        }
    }
    b
}

/// One fuzz input: `(bytes, path)`.
pub fn input(rng: &mut Rng, samples: &[Vec<u8>]) -> (Vec<u8>, PathBuf) {
    let bytes = match rng.below(10) {
        0 | 1 => {
            let n = if rng.one_in(20) {
                rng.below(16384)
            } else {
                rng.below(512)
            };
            (0..n).map(|_| rng.next() as u8).collect()
        }
        2..=5 if !samples.is_empty() => {
            let a = rng.pick(samples);
            let b = rng.pick(samples);
            mutated(rng, a, b)
        }
        _ => structured(rng),
    };
    let gbk_name = encoding_rs::GBK.encode("联邦学习/笔记.md").0.into_owned();
    let path = match rng.below(8) {
        0 => PathBuf::from("CVPR2025/oral/note.md"),
        1 => PathBuf::from("notes/2024-01-05-论文.md"),
        2 => PathBuf::from(OsStr::from_bytes(&gbk_name)),
        3 => PathBuf::from("a.txt"),
        4 => PathBuf::from("ICML 2023 papers/x/y/z.markdown"),
        5 => PathBuf::from(".md"),
        _ => PathBuf::from("digest.md"),
    };
    (bytes, path)
}

/// Runs one input through sniff, decode and parse, and checks the invariants; `Err` says which
/// one failed. Panics propagate (callers catch them).
pub fn check(bytes: &[u8], path: &Path) -> Result<(), String> {
    let _ = papersift::walk::sniff_binary(bytes);
    let d = papersift::decode::decode(bytes);
    let text = &d.text;
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = body.split('\n').count();
    let recs = papersift::parse::parse(text, path);
    if recs.is_empty() {
        return Err("parse gave no record".into());
    }
    for (i, r) in recs.iter().enumerate() {
        if r.title.trim().is_empty() {
            return Err(format!("record {i} has an empty title"));
        }
        if r.line == 0 || r.line as usize > lines {
            return Err(format!(
                "record {i} starts at line {} of a {lines}-line text",
                r.line
            ));
        }
    }
    Ok(())
}

/// Outcome of a run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Inputs tried.
    pub cases: u64,
    /// Bytes tried.
    pub bytes: u64,
}

/// A failing input, saved for replay.
#[derive(Debug)]
pub struct Failure {
    /// The seed of the run and the index of the case.
    pub case: u64,
    /// What failed: the panic message or the invariant.
    pub what: String,
    /// Where the input was written.
    pub saved: PathBuf,
}

/// Fuzzes until `keep_going(&stats)` says stop or an input fails; failing inputs are written to
/// `out_dir` as `fuzz-<seed>-<case>.bin` (with the path in a `.path` file beside it).
pub fn run(
    seed: u64,
    out_dir: &Path,
    mut keep_going: impl FnMut(&Stats) -> bool,
) -> (Stats, Option<Failure>) {
    let samples = samples();
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    while keep_going(&stats) {
        let (bytes, path) = input(&mut rng, &samples);
        let result = std::panic::catch_unwind(|| check(&bytes, &path));
        let what = match result {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(format!("invariant: {e}")),
            Err(p) => Some(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(what) = what {
            let _ = std::fs::create_dir_all(out_dir);
            let saved = out_dir.join(format!("fuzz-{seed}-{}.bin", stats.cases));
            let _ = std::fs::write(&saved, &bytes);
            let _ = std::fs::write(
                saved.with_extension("path"),
                path.as_os_str().as_encoded_bytes(),
            );
            let case = stats.cases;
            return (stats, Some(Failure { case, what, saved }));
        }
        stats.cases += 1;
        stats.bytes += bytes.len() as u64;
    }
    (stats, None)
}
