//! `parse` never panics, whatever the text and path.

use papersift::parse::parse;
use proptest::prelude::*;
use std::path::Path;

/// Fragments of the structures the parser looks for, so random pages hit its branches.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("---\n".to_string()),
        Just("title: >-\n  [论文解读] X\n".to_string()),
        Just("### [1] [T [x]](https://arxiv.org/abs/2401.00001v2)\n".to_string()),
        Just("*A,B*\n".to_string()),
        Just("**会议**: CVPR 2023 (Oral)\n".to_string()),
        Just("## | 01 Title（Oral）\n".to_string()),
        Just("**论文作者**：张三（某大学）\n".to_string()),
        Just("Authors:A, B\n".to_string()),
        Just("PDF Accepted (Poster) at ICML 2025\n".to_string()),
        Just("相关文章\n- [x](http://y)\n".to_string()),
        Just("<!-- c\n".to_string()),
        Just("```\n".to_string()),
        Just("| 会议 | 领域 |\n|---|---|\n".to_string()),
        Just("一、".to_string()),
        Just("【".to_string()),
        Just("](".to_string()),
        Just("\r\n".to_string()),
        "[\\PC\n#*|:：【】()（）\\[\\]]{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_pages_never_panic(parts in prop::collection::vec(fragment(), 0..24), path in "[a-zA-Z0-9_/\\-\\.]{0,30}") {
        let text: String = parts.concat();
        let recs = parse(&text, Path::new(&path));
        prop_assert!(!recs.is_empty());
        for r in recs {
            prop_assert!(r.line >= 1);
        }
    }
}
