//! Records of the layout samples in `sample-corpus/layouts/` (our own short documents, one per
//! layout the parse stage splits).

use papersift::merge::{merge, SourceRef};
use papersift::parse::{parse, Sighting};
use std::path::Path;

fn sample(name: &str) -> Vec<Sighting> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-corpus/layouts")
        .join(name);
    let text = std::fs::read_to_string(&p).expect("sample exists");
    parse(&text, &Path::new("layouts").join(name))
}

/// Merges the sightings of several files (named as given) into papers.
fn merge_files(files: Vec<(&str, Vec<Sighting>)>) -> Vec<papersift::merge::Paper> {
    let mut all: Vec<(SourceRef, Sighting)> = Vec::new();
    for (file, recs) in files {
        for s in recs {
            all.push((
                SourceRef {
                    path: file.into(),
                    line: s.line,
                },
                s,
            ));
        }
    }
    merge(all)
}

fn has(v: &[String], s: &str) -> bool {
    v.iter().any(|x| x == s)
}

#[test]
fn single_paper_note() {
    let r = sample("note_sparse_router.md");
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert_eq!(
        r.title,
        "SparseRouter: Token-Adaptive Expert Routing for Efficient Vision Transformers"
    );
    assert_eq!(r.authors, ["Lin Qiao", "Marco Bellini", "Yuki Tanaka"]);
    assert_eq!(
        (r.venue.as_deref(), r.year, r.track.as_deref()),
        (Some("NeurIPS"), Some(2024), Some("spotlight"))
    );
    assert_eq!(r.arxiv_id.as_deref(), Some("2406.01234"));
    assert_eq!(
        r.code_url.as_deref(),
        Some("https://github.com/example-lab/sparse-router")
    );
    assert!(has(&r.keywords, "Mixture of Experts"));
    assert!(has(&r.topics, "model-compression"), "{:?}", r.topics);
    assert!(r.text.contains("预算正则项"));
    // The related-papers block is other papers: not this record's text.
    assert!(
        !r.text.contains("Dense Experts")
            && !r.text.contains("相关论文")
            && !r.text.contains("RELATED")
    );
    assert!(!r.text.contains("**会议**"));
}

#[test]
fn daily_digest_and_merge_with_note() {
    let r = sample("daily_digest.md");
    let titles: Vec<&str> = r.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "SparseRouter: Token-Adaptive Expert Routing for Efficient Vision Transformers",
            "Cloud-Free: Diffusion-Based Cloud Removal for Satellite Imagery",
            "Federated Learning with Stale Clients: A Variance-Reduced Approach",
            "Old Style Identifiers in String Theory Archives",
        ]
    );
    assert_eq!(r[1].authors, ["Ana Souza", "Peter Novak"]);
    assert_eq!(r[3].arxiv_id.as_deref(), Some("hep-th/9901001"));
    assert_eq!(r[0].category.as_deref(), Some("cs.CV"));
    assert!(
        has(&r[1].topics, "diffusion-models") && has(&r[1].topics, "remote-sensing"),
        "{:?}",
        r[1].topics
    );
    assert!(has(&r[2].topics, "federated-learning"), "{:?}", r[2].topics);
    assert!(r.iter().all(|s| s.venue.is_none()));
    assert!(r
        .iter()
        .all(|s| !s.text.contains("<details>") && !s.text.contains("Table of Contents")));
    assert!(r[0].text.contains("Abstract: We present SparseRouter"));

    // The note and the digest describe one paper (same arXiv id): one record with both sources.
    let note = sample("note_sparse_router.md");
    let papers = merge_files(vec![
        ("daily_digest.md", r),
        ("note_sparse_router.md", note),
    ]);
    assert_eq!(papers.len(), 4);
    let p = papers
        .iter()
        .find(|p| p.arxiv_id.as_deref() == Some("2406.01234"))
        .unwrap();
    assert_eq!(p.sources.len(), 2);
    assert_eq!((p.venue.as_deref(), p.year), (Some("NeurIPS"), Some(2024)));
    assert!(p.text.contains("预算正则项") && p.text.contains("Abstract: We present SparseRouter"));
}

#[test]
fn venue_blog_post() {
    let r = sample("cvpr2023_blog.md");
    assert_eq!(
        r.len(),
        3,
        "{:#?}",
        r.iter().map(|s| &s.title).collect::<Vec<_>>()
    );
    assert_eq!(
        r[0].title,
        "OpenDet-Lite: Open-Vocabulary Object Detection on Edge Devices"
    );
    assert_eq!(r[0].authors, ["张伟", "Emily Carter", "王芳"]);
    assert_eq!(
        (r[0].venue.as_deref(), r[0].year),
        (Some("CVPR"), Some(2023))
    );
    assert!(has(&r[0].topics, "object-detection"), "{:?}", r[0].topics);
    assert_eq!(
        r[1].title,
        "TrackSeg: Memory-Efficient Video Object Segmentation"
    );
    assert_eq!(r[1].authors, ["李娜", "Tomás Ruiz"]);
    assert_eq!(
        (r[1].venue.as_deref(), r[1].year, r[1].track.as_deref()),
        (Some("CVPR"), Some(2023), Some("oral"))
    );
    assert_eq!(r[1].arxiv_id.as_deref(), Some("2303.04567"));
    assert!(has(&r[1].topics, "segmentation"));
    // States its own venue: not the page's.
    assert_eq!(
        (r[2].venue.as_deref(), r[2].year, r[2].track.as_deref()),
        (Some("ICCV"), Some(2023), Some("workshop"))
    );
    assert!(has(&r[2].topics, "3d-vision"));
    assert_eq!(r[2].date.as_deref(), Some("2023-06-18"));
    assert_eq!(
        r[2].page_url.as_deref(),
        Some("https://blog.example.org/posts/cvpr2023-three-papers")
    );
    assert!(r[2].text.contains("联合估计曝光与噪声"));
    assert!(!r[2].text.contains("欢迎在评论区讨论") && !r[2].text.contains("十篇论文速览"));
}

#[test]
fn llm_plain_digest() {
    let r = sample("llm_digest.txt");
    assert_eq!(r.len(), 2);
    assert_eq!(
        r[0].title,
        "Calibrated Reward Models for Preference Optimization"
    );
    assert_eq!(r[0].authors, ["Sara Lindqvist", "Diego Morales", "Wen Jie"]);
    assert_eq!(
        (r[0].venue.as_deref(), r[0].year, r[0].track.as_deref()),
        (Some("ICML"), Some(2025), Some("poster"))
    );
    assert!(has(&r[0].topics, "llm-alignment"), "{:?}", r[0].topics);
    assert!(r[0].text.contains("temperature scaling") && r[0].text.contains("温度缩放"));
    assert!(!r[0].text.contains("点此查看论文截图") && !r[0].text.contains("Graph Tokenizers"));
    assert_eq!(r[1].title, "Graph Tokenizers for Molecule Language Models");
    assert_eq!(r[1].venue, None);
    assert!(
        has(&r[1].topics, "computational-biology"),
        "{:?}",
        r[1].topics
    );
}

#[test]
fn scraped_article() {
    let r = sample("scraped_article.md");
    assert_eq!(r.len(), 1);
    let r = &r[0];
    assert_eq!(
        r.title,
        "GateKV: Learning Which Tokens to Keep in the KV Cache"
    );
    assert_eq!(r.authors, ["Hannah Fischer", "刘洋"]);
    assert!(has(&r.topics, "llm-efficiency"), "{:?}", r.topics);
    assert!(r.text.contains("门控分数"));
    for junk in [
        "首页",
        "本文来自互联网用户投稿",
        "相关文章",
        "副业",
        "Copyright",
        "在这里插入图片描述",
    ] {
        assert!(!r.text.contains(junk), "junk {junk:?} in text:\n{}", r.text);
    }
}

#[test]
fn anything_else_is_one_record() {
    let r = sample("misc_reading_list.md");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].title, "Reading group, week 12");
    assert!(r[0].text.contains("contrastive pretraining"));
}

#[test]
fn json_lines_export_is_one_record_per_line_and_merges_with_its_digest() {
    let r = sample("digest_export.jsonl");
    let ids: Vec<Option<&str>> = r.iter().map(|s| s.arxiv_id.as_deref()).collect();
    assert_eq!(
        ids,
        [Some("2406.02222"), Some("2406.03333"), Some("2406.04444")]
    );
    assert!(r.iter().all(|s| s.layout == "jsonl"));
    assert_eq!(
        r[2].authors,
        ["Grace Lindqvist", "Hiroshi Mori", "Fatima Zahra"]
    );
    // The venue comes from the listing's comment line.
    assert_eq!(
        (r[2].venue.as_deref(), r[2].year),
        (Some("ACL"), Some(2025))
    );
    assert!(
        r[0].text.starts_with("TL;DR: 用条件扩散模型"),
        "{}",
        r[0].text
    );

    // Two of its papers are in the markdown digest of the same day: each is one paper with
    // both files as sources, its TL;DR and abstract once.
    let papers = merge_files(vec![
        ("daily_digest.md", sample("daily_digest.md")),
        ("digest_export.jsonl", r),
    ]);
    assert_eq!(papers.len(), 5, "4 from the digest + 1 only in the export");
    let p = papers
        .iter()
        .find(|p| p.arxiv_id.as_deref() == Some("2406.02222"))
        .expect("Cloud-Free merged");
    assert_eq!(p.sources.len(), 2);
    assert_eq!(
        p.text
            .matches("用条件扩散模型去除卫星图像中的云层遮挡")
            .count(),
        1,
        "{}",
        p.text
    );
    assert_eq!(
        p.text.matches("Clouds hide a large share").count(),
        1,
        "{}",
        p.text
    );
    assert!(
        p.text.contains("逐步去噪恢复地表"),
        "the export's method passage is kept"
    );
}
