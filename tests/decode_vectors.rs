//! The design's 22 test vectors (`encoding-test-vectors.json`), copied here so they always run,
//! plus a check that the copy matches the shared file when it is present.

use papersift::decode::{decode, repair_text};
use std::path::Path;

/// (id, input, expected, unrecoverable U+FFFD count when the design gives one)
const TEXT: &[(&str, &str, &str, Option<usize>)] = &[
    (
        "T1",
        "è\u{81}”é‚¦å\u{AD}¦ä¹\u{A0}åœ¨CVPR 2023ä¸Š",
        "联邦学习在CVPR 2023上",
        None,
    ),
    (
        "T2",
        "å\u{9B}¾ç\u{89}\u{87}ä¸\u{8E}è¡¨æ\u{A0}¼",
        "图片与表格",
        None,
    ),
    ("T3", "è”é‚¦å¦ä¹\u{A0}", "联邦学习", None),
    ("T4", "æ·±åº¦å¦ä¹\u{A0}æ¨¡å‹", "深度学习模型", None),
    (
        "T5",
        "莽戮聨氓聸垄忙聤聙忙聹炉氓聸垄茅聵聼",
        "美团技术团队",
        None,
    ),
    ("T6", "鍥剧墖", "图片", None),
    ("T7", "鑱旈偊瀛︿範銆\u{FFFD}", "联邦学习。", None),
    ("T8", "¹þ¹þ£¬ÂÛÎÄ½â¶Á", "哈哈，论文解读", None),
    ("T9", "ÒѾ±»ÆձéÑо¿", "已经被普遍研究", None),
    ("T10", "Áp¨¹¾Ç²ßªº½×¤å", "聯邦學習的論文", None),
    ("T11", "Ã¦Â¨Â¡Ã¥Å¾â€¹Ã¨Â®Â\u{AD}Ã§Â»Æ’", "模型训练", None),
    (
        "T12",
        "对比学习（Contrastive Learning）在 NeurIPS 2023 上很热门。",
        "对比学习（Contrastive Learning）在 NeurIPS 2023 上很热门。",
        None,
    ),
    (
        "T13",
        "Jérôme Müller — “naïve” café, São Paulo",
        "Jérôme Müller — “naïve” café, São Paulo",
        None,
    ),
    ("T14", "标题：鍥剧墖璇存槑", "标题：图片说明", None),
    ("T15", "数据锟斤拷集", "数据\u{FFFD}\u{FFFD}集", Some(2)),
    ("T16", "盲录職氓炉录猫...", "会导\u{FFFD}...", Some(1)),
];

/// (id, hex bytes, expected encoding, expected text)
const BYTES: &[(&str, &str, &str, &str)] = &[
    ("B17", "c1aab0eed1a7cfb0d4da435650522032303233c9cfc8a1b5c3c1cbcdbbc6c6", "GBK", "联邦学习在CVPR 2023上取得了突破"),
    (
        "B18",
        "586481891aff5480a690665b604e28574300560050005200200032003000320033000a4ed653975f864e817a3478",
        "UTF-16LE",
        "摘要：联邦学习在CVPR 2023上取得了突破",
    ),
    (
        "B19",
        "feff805490a65b664e6057280043005600500052002000320030003200334e0a53d65f974e867a817834",
        "UTF-16BE",
        "联邦学习在CVPR 2023上取得了突破",
    ),
    ("B20", "c170a8b9bec7b2dfa662b971b8a3b5f8c4b1bbe2b0eca8fab16fb669ae69", "Big5", "聯邦學習在電腦視覺領域取得進展"),
    ("B21", "98418d878a778f4b82cc985f95b682f093c782de", "Shift_JIS", "連合学習の論文を読む"),
    (
        "B22",
        "52e97365617578206465206e6575726f6e65733a20756e6520617070726f63686520e96ce967616e7465",
        "windows-1252",
        "Réseaux de neurones: une approche élégante",
    ),
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test vector hex is valid"))
        .collect()
}

#[test]
fn text_vectors() {
    let mut failed = Vec::new();
    for &(id, input, expected, lost) in TEXT {
        let (out, rep) = repair_text(input);
        let d = decode(input.as_bytes());
        if out != expected
            || d.text != expected
            || lost.is_some_and(|n| rep.unrecoverable_chars != n)
        {
            failed.push(format!(
                "{id}: got {out:?} (decode: {:?}), want {expected:?}; report {rep:?}",
                d.text
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} text vectors fail:\n{}",
        failed.len(),
        TEXT.len(),
        failed.join("\n")
    );
}

#[test]
fn byte_vectors() {
    let mut failed = Vec::new();
    for &(id, hex, enc, expected) in BYTES {
        let d = decode(&unhex(hex));
        if d.text != expected || d.report.raw.encoding != enc {
            failed.push(format!(
                "{id}: got {:?} as {} ({}), want {expected:?} as {enc}",
                d.text, d.report.raw.encoding, d.report.raw.method
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} byte vectors fail:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The copied table must agree with the design's JSON (skipped when `../shared` is absent).
#[test]
fn copy_matches_shared_json() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/design/encoding-test-vectors.json");
    let Ok(raw) = std::fs::read_to_string(&path) else {
        eprintln!(
            "skip: {} not found (shared design folder absent)",
            path.display()
        );
        return;
    };
    let v: serde_json::Value = serde_json::from_str(&raw).expect("vector file is JSON");
    let items = v.as_array().expect("vector file is an array");
    assert_eq!(items.len(), TEXT.len() + BYTES.len());
    for item in items {
        let id = item["id"].as_str().unwrap_or_default();
        let expected = item["expected"].as_str().unwrap_or_default();
        if let Some(&(_, input, exp, _)) = TEXT.iter().find(|t| t.0 == id) {
            assert_eq!(item["input"].as_str(), Some(input), "{id} input");
            assert_eq!(expected, exp, "{id} expected");
        } else if let Some(&(_, hex, enc, exp)) = BYTES.iter().find(|t| t.0 == id) {
            assert_eq!(item["input_hex"].as_str(), Some(hex), "{id} hex");
            assert_eq!(
                item["expected_encoding"].as_str(),
                Some(enc),
                "{id} encoding"
            );
            assert_eq!(expected, exp, "{id} expected");
        } else {
            panic!("vector {id} missing from the copy");
        }
    }
}
