//! Every file in `sample-corpus/encodings/` decodes to text containing its title and search term.

use papersift::decode::decode;
use std::path::Path;

/// (file, expected raw encoding, title, distinctive term)
const SAMPLES: &[(&str, &str, &str, &str)] = &[
    (
        "gbk-federated-learning.md",
        "GBK",
        "FedBridge: Communication-Light Federated Learning for Hospitals",
        "联邦学习",
    ),
    (
        "big5-knowledge-distillation.md",
        "Big5",
        "TinyTeacher: Knowledge Distillation with Soft Region Labels",
        "知識蒸餾",
    ),
    (
        "utf16le-bom-graph-neural-network.md",
        "UTF-16LE",
        "Graph Neural Networks that Count Triangles",
        "图神经网络",
    ),
    (
        "utf16be-bom-diffusion-model.md",
        "UTF-16BE",
        "Fewer Steps for Diffusion Models via Learned Schedules",
        "扩散模型",
    ),
    (
        "utf16le-nobom-contrastive-learning.md",
        "UTF-16LE",
        "Hard Negatives Matter in Contrastive Learning",
        "对比学习",
    ),
    (
        "utf8-bom-crlf-reinforcement-learning.md",
        "UTF-8",
        "Offline Reinforcement Learning with Conservative Critics",
        "强化学习",
    ),
    (
        "shift_jis-object-detection.md",
        "Shift_JIS",
        "Open-Vocabulary Object Detection from Captions",
        "物体検出",
    ),
    (
        "moji-utf8-cp1252-visual-question-answering.md",
        "UTF-8",
        "Grounded Visual Question Answering with Pointers",
        "视觉问答",
    ),
    (
        "moji-utf8-latin1-semantic-segmentation.md",
        "UTF-8",
        "Boundary-Aware Semantic Segmentation",
        "语义分割",
    ),
    (
        "moji-utf8-cp1254-dropped-neural-radiance-field.md",
        "UTF-8",
        "Sparse-View Neural Radiance Fields",
        "神经辐射场",
    ),
    (
        "moji-double-utf8-latin1-utf8-gbk-prompt-learning.md",
        "UTF-8",
        "Prompt Learning for Vision-Language Models without Labels",
        "提示学习",
    ),
    (
        "moji-utf8-gbk-multimodal-llm.md",
        "UTF-8",
        "Efficient Multimodal Large Language Models via Token Merging",
        "多模态大模型",
    ),
    (
        "moji-gbk-latin1-meta-learning.md",
        "UTF-8",
        "Meta-Learning Initializations for Few-Shot Classification",
        "元学习",
    ),
    (
        "moji-big5-latin1-self-supervised-learning.md",
        "UTF-8",
        "Masked Self-Supervised Learning for Medical Images",
        "自監督學習",
    ),
    (
        "moji-double-cp1252-point-cloud-registration.md",
        "UTF-8",
        "Robust Point Cloud Registration with Overlap Prediction",
        "点云配准",
    ),
    (
        "moji-clean-front-matter-broken-body-model-pruning.md",
        "UTF-8",
        "Structured Model Pruning without Retraining",
        "模型剪枝",
    ),
];

#[test]
fn samples_decode_to_their_title_and_term() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus/encodings");
    let mut failed = Vec::new();
    for &(file, enc, title, term) in SAMPLES {
        let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            !bytes.is_empty(),
            "{file} missing: run `cargo run --example gen_encoding_samples`"
        );
        let d = decode(&bytes);
        let ok = d.text.contains(&format!("# {title}"))
            && d.text.contains(term)
            && !d.text.contains('\u{FFFD}')
            && d.report.raw.encoding == enc;
        if !ok {
            failed.push(format!(
                "{file}: encoding {} ({}), text:\n{}\n",
                d.report.raw.encoding, d.report.raw.method, d.text
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} samples fail:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
