//! Property tests: lossless chains round-trip, clean text is left alone, no input panics.

use papersift::decode::damage::corrupt;
use papersift::decode::{decode, repair_text, Chain};
use proptest::prelude::*;

const ZH_WORDS: &[&str] = &[
    "联邦学习",
    "知识蒸馏",
    "图神经网络",
    "模型",
    "训练",
    "数据集",
    "实验",
    "结果表明",
    "我们提出",
    "一种新的",
    "方法",
    "在",
    "上",
    "的",
    "了",
    "和",
    "通过",
    "显著",
    "提升",
    "性能",
    "图像",
    "分类",
    "检测",
    "分割",
    "文本",
    "生成",
    "注意力机制",
    "大语言模型",
    "推理",
    "效率",
    "基准",
    "对比学习",
    "特征",
    "表示",
    "优化",
    "损失函数",
    "，",
    "。",
    "：",
    "（",
    "）",
    "、",
    "“",
    "”",
    "CVPR 2023",
    "ResNet-50",
    " ",
    "3.5%",
    "Transformer",
];
const HANT_WORDS: &[&str] = &[
    "聯邦學習",
    "知識蒸餾",
    "圖神經網路",
    "模型",
    "訓練",
    "資料集",
    "實驗",
    "結果顯示",
    "我們提出",
    "這個",
    "方法",
    "，",
    "。",
    "的",
    "與",
    "在",
];
const JA_WORDS: &[&str] = &[
    "連合学習",
    "の",
    "論文",
    "を",
    "読む",
    "。",
    "物体検出",
    "は",
    "画像",
    "から",
    "学習する",
    "手法",
    "、",
    "です",
];
const KO_WORDS: &[&str] = &[
    "연합 학습",
    "논문",
    "을",
    "읽다",
    "모델",
    "의",
    "성능",
    "이",
    "향상",
    "되었다",
    ". ",
    "데이터",
];
const EU_WORDS: &[&str] = &[
    "Jérôme",
    "Müller",
    "café",
    "naïve",
    "São Paulo",
    "Réseaux",
    "élégante",
    "Straße",
    "Ærø",
    "Łódź",
    "niño",
    "—",
    "“quoted”",
    "déjà vu",
    "Ångström",
    "über",
    " ",
    ", ",
    "façade",
    "coöperate",
    "smörgåsbord",
    "a été créé",
    "réélu",
    "Zoë",
    "œuvre",
    "Ærøskøbing",
];

fn sentence(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(words), 1..24).prop_map(|w| w.concat())
}

/// Words joined by spaces, as European text is written (glued words would form non-words like
/// "crééé" that no writer produces).
fn spaced(words: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(words), 1..24).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn lossless_chains_round_trip(s in sentence(ZH_WORDS), k in 0usize..4) {
        let chain = [Chain::Utf8Cp1252, Chain::Utf8Latin1, Chain::Utf8Latin1Utf8Gbk, Chain::GbkLatin1][k];
        let broken = String::from_utf8(corrupt(&s, chain, 1)).unwrap_or_default();
        prop_assert_eq!(repair_text(&broken).0, s);
    }

    #[test]
    fn clean_text_is_unchanged(
        s in prop_oneof![sentence(ZH_WORDS), sentence(HANT_WORDS), sentence(JA_WORDS), sentence(KO_WORDS), spaced(EU_WORDS)]
    ) {
        prop_assert_eq!(&repair_text(&s).0, &s);
        prop_assert_eq!(&decode(s.as_bytes()).text, &s);
    }

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let d = decode(&bytes);
        let json = serde_json::to_string(&d.report).unwrap_or_default();
        prop_assert!(json.contains("\"raw\""));
    }

    #[test]
    fn decode_never_panics_on_mojibake_like_text(s in "[\\u{80}-\\u{FF}鍥剧墖莽戮聨氓锟斤拷\\u{FFFD}?a-z ，。]{0,80}") {
        let _ = decode(s.as_bytes());
    }
}

/// A long single-line file (minified page) is repaired in bounded pieces, with the same result.
#[test]
fn long_lines_are_repaired_in_pieces() {
    let clean = "联邦学习在CVPR 2023上取得了突破，知识蒸馏也很热门。".repeat(400);
    let broken = String::from_utf8(corrupt(&clean, Chain::Utf8Cp1252, 1)).unwrap_or_default();
    assert!(broken.len() > 20_000);
    assert_eq!(repair_text(&broken).0, clean);
    let no_ascii = "联邦学习知识蒸馏".repeat(2000);
    let broken = String::from_utf8(corrupt(&no_ascii, Chain::Utf8Gbk, 1)).unwrap_or_default();
    let fixed = repair_text(&broken).0;
    assert!(
        fixed.chars().count() >= no_ascii.chars().count() - 8,
        "{}",
        &fixed[..60]
    );
}

/// Cases the property tests found (their regressions file is not read for integration tests,
/// so they are pinned here): a common character glued to a Latin word is repaired.
#[test]
fn found_cases_round_trip() {
    for s in ["Transformer在", "在", "用BERT的模型在CVPR上"] {
        let broken = String::from_utf8(corrupt(s, Chain::GbkLatin1, 1)).unwrap_or_default();
        assert_eq!(repair_text(&broken).0, s, "broken as {broken:?}");
    }
}
