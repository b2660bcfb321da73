//! `index` learns the folder's vocabulary from its exactly decoded files and decodes files whose
//! repair guessed lost bytes again with it (design §4.1, in-domain refresh).

mod common;
use common::{build_index, run_ok, search_json, titles};
use papersift::decode::damage::{corrupt_with, Damage};
use papersift::decode::{decode, Chain, MIN_DOMAIN_HAN};

/// Phrases of clean notes about steganography: the folder's own vocabulary.
const PHRASES: &[&str] = &[
    "本文研究图像隐写术的鲁棒性",
    "隐写术把秘密信息嵌入载体图像",
    "我们提出一种新的隐写分析方法",
    "实验表明该方法在多个数据集上有效",
    "传统隐写术难以抵抗压缩攻击",
    "深度学习推动了隐写术的发展",
    "生成模型为隐写术提供了新的载体",
    "检测器的准确率明显下降",
    "嵌入容量与不可感知性之间存在权衡",
    "我们在公开基准上比较了多种隐写术",
];

fn clean_note(i: usize) -> String {
    let mut body = String::new();
    for k in 0..60 {
        body.push_str(PHRASES[(i * 7 + k * 3) % PHRASES.len()]);
        body.push_str(if k % 4 == 3 { "。\n" } else { "，" });
    }
    format!("# Steganography Reading Note {i}\n\n{body}\n")
}

/// Writes 40 clean notes into `dir`.
fn write_clean_notes(dir: &std::path::Path) {
    let mut han = 0u64;
    for i in 0..40 {
        let note = clean_note(i);
        han += note
            .chars()
            .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
            .count() as u64;
        std::fs::write(dir.join(format!("note-{i:02}.md")), note).expect("write note");
    }
    assert!(
        han >= MIN_DOMAIN_HAN,
        "only {han} Han characters of clean text"
    );
}

/// A note using 隐写术, broken the way a scraper that drops undefined windows-1252 bytes
/// breaks it. 隐 is E9 9A 90 and 随 E9 9A 8F: both 0x8F and 0x90 are dropped, so the bytes left
/// fit either, and the dictionary prefers the commoner 随.
fn damaged_note() -> Vec<u8> {
    let clean =
        "# Robust Image Steganography\n\n隐写术是信息隐藏的核心技术。本文改进了隐写术的容量。\n";
    let damage = Damage {
        chain: Chain::Utf8Cp1252,
        lossy: true,
    };
    let broken = corrupt_with(clean, damage, 1);
    let shipped = decode(&broken).text;
    assert!(
        !shipped.contains("隐写术"),
        "the dictionary alone now restores 隐写术 ({shipped:?}): this test shows nothing"
    );
    broken
}

fn finds_the_damaged_note(index: &std::path::Path) {
    let hits = search_json(index, "隐写术", 100);
    assert!(
        titles(&hits)
            .iter()
            .any(|t| t == "Robust Image Steganography"),
        "the damaged note should be found by 隐写术 once repaired: {:?}",
        titles(&hits)
    );
}

#[test]
fn a_damaged_note_is_repaired_with_the_folders_own_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_clean_notes(dir.path());
    std::fs::write(dir.path().join("scraped.md"), damaged_note()).expect("write damaged note");
    let index = build_index(dir.path());
    finds_the_damaged_note(index.path());
}

#[test]
fn a_later_run_reading_only_the_damaged_note_still_knows_the_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_clean_notes(dir.path());
    let index = build_index(dir.path());
    std::fs::write(dir.path().join("scraped.md"), damaged_note()).expect("write damaged note");
    let folder = dir.path().to_str().expect("utf-8 path");
    let (code, out, err) = run_ok(index.path(), &["index", "--quiet", folder]);
    assert_eq!(code, 0, "incremental index failed: {out}\n{err}");
    assert!(
        out.contains("1 new"),
        "only the damaged note is read: {out}"
    );
    finds_the_damaged_note(index.path());
    // `inspect` repairs as `index` did for this index.
    let scraped = dir.path().join("scraped.md");
    let (code, out, err) = run_ok(index.path(), &["inspect", scraped.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "inspect failed: {err}");
    assert!(out.contains("vocabulary of"), "{out}");
    assert!(
        out.contains("隐写术"),
        "inspect shows the repaired text: {out}"
    );
}
