//! A clean UTF-8 note never builds the scoring tables: start-up and clean text stay cheap.
//! Its own test binary, so no other test has loaded the tables first.

use papersift::decode::{decode, tables_loaded};

#[test]
fn clean_utf8_does_not_load_tables() {
    let text = "---\ntitle: 对比学习\nurl: https://arxiv.org/abs/2301.01234\n---\n\n# 对比学习（Contrastive Learning）\n\n**会议**: CVPR 2023\n**arXiv**: [2301.01234](https://arxiv.org/abs/2301.01234)\n\n在 NeurIPS 2023 上很热门：知识蒸馏、图神经网络、联邦学习。Jérôme Müller — “naïve” café\n";
    assert!(!tables_loaded());
    let d = decode(text.as_bytes());
    assert_eq!(d.text, text);
    assert!(!d.report.needs_review);
    assert!(!tables_loaded(), "clean text loaded the scoring tables");
    let broken = decode("è”é‚¦å¦ä¹\u{A0}".as_bytes());
    assert_eq!(broken.text, "联邦学习");
    assert!(tables_loaded());
}
