//! Writes `sample-corpus/encodings/`: one short paper note per raw encoding and per mojibake chain.
//!
//! Run from the repository root: `cargo run --example gen_encoding_samples`. The notes are
//! original text written for papersift; each has a distinctive Chinese term so search tests can
//! find it. `tests/decode_samples.rs` decodes every file and checks title and term.

use encoding_rs::{BIG5, GBK, SHIFT_JIS};
use papersift::decode::damage::{corrupt, corrupt_with, Damage};
use papersift::decode::Chain;
use std::path::Path;

/// How a sample's bytes are produced.
enum Kind {
    Gbk,
    Big5,
    Utf16Le {
        bom: bool,
    },
    Utf16Be,
    Utf8BomCrlf,
    ShiftJis,
    Moji(Damage),
    /// The chain applied twice.
    MojiTwice(Chain),
    /// Clean front matter, broken body.
    MojiBody(Damage),
}

struct Sample {
    file: &'static str,
    kind: Kind,
    title: &'static str,
    venue: &'static str,
    arxiv: &'static str,
    term: &'static str,
    zh: &'static str,
    en: &'static str,
}

fn note(s: &Sample) -> String {
    // Labels in the note's own script, so every character exists in the legacy encoding.
    let (venue_label, code_label, sum_label, kw_label, none) = if matches!(s.kind, Kind::ShiftJis) {
        (
            "**会議**",
            "**コード**",
            "## 一言まとめ",
            "**キーワード**",
            "なし",
        )
    } else if matches!(
        s.kind,
        Kind::Big5
            | Kind::Moji(Damage {
                chain: Chain::Big5Latin1,
                ..
            })
    ) {
        (
            "**會議**",
            "**程式碼**",
            "## 一句話總結",
            "**關鍵詞**",
            "無",
        )
    } else {
        ("**会议**", "**代码**", "## 一句话总结", "**关键词**", "无")
    };
    format!(
        "---\ntitle: \"{title}\"\nurl: https://arxiv.org/abs/{arxiv}\n---\n\n# {title}\n\n{venue_label}: {venue}\n**arXiv**: [{arxiv}](https://arxiv.org/abs/{arxiv})\n{code_label}: {none}\n{kw_label}: {term}\n\n{sum_label}\n\n{zh}\n\n## Abstract\n\n{en}\n",
        title = s.title,
        arxiv = s.arxiv,
        venue = s.venue,
        term = s.term,
        zh = s.zh,
        en = s.en,
        none = none,
    )
}

fn bytes_of(s: &Sample) -> Vec<u8> {
    let text = note(s);
    match &s.kind {
        Kind::Gbk => GBK.encode(&text).0.into_owned(),
        Kind::Big5 => BIG5.encode(&text).0.into_owned(),
        Kind::ShiftJis => SHIFT_JIS.encode(&text).0.into_owned(),
        Kind::Utf16Le { bom } => {
            let mut out = if *bom { vec![0xFF, 0xFE] } else { Vec::new() };
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            out
        }
        Kind::Utf16Be => {
            let mut out = vec![0xFE, 0xFF];
            out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
            out
        }
        Kind::Utf8BomCrlf => {
            let mut out = vec![0xEF, 0xBB, 0xBF];
            out.extend(text.replace('\n', "\r\n").into_bytes());
            out
        }
        Kind::Moji(d) => corrupt_with(&text, *d, 1),
        Kind::MojiTwice(c) => {
            let once = String::from_utf8(corrupt(&text, *c, 1)).unwrap_or_default();
            corrupt(&once, *c, 1)
        }
        Kind::MojiBody(d) => corrupt_with(&text, *d, 0),
    }
}

fn lossless(chain: Chain) -> Kind {
    Kind::Moji(Damage {
        chain,
        lossy: false,
    })
}

fn lossy(chain: Chain) -> Kind {
    Kind::Moji(Damage { chain, lossy: true })
}

fn samples() -> Vec<Sample> {
    vec![
        Sample {
            file: "gbk-federated-learning.md",
            kind: Kind::Gbk,
            title: "FedBridge: Communication-Light Federated Learning for Hospitals",
            venue: "CVPR 2023",
            arxiv: "2301.01234",
            term: "联邦学习",
            zh: "本文提出一种面向医院场景的联邦学习框架，各医院只上传压缩后的梯度，通信量下降七成，模型精度几乎不受影响。",
            en: "We train one model across hospitals without moving patient data, sending compressed gradients only.",
        },
        Sample {
            file: "big5-knowledge-distillation.md",
            kind: Kind::Big5,
            title: "TinyTeacher: Knowledge Distillation with Soft Region Labels",
            venue: "ICCV 2023",
            arxiv: "2303.04512",
            term: "知識蒸餾",
            zh: "本文研究知識蒸餾中教師模型過大的問題，提出以區域軟標籤引導學生網路，在影像分類上提升兩個百分點。",
            en: "A small student learns from region-level soft labels of a large teacher.",
        },
        Sample {
            file: "utf16le-bom-graph-neural-network.md",
            kind: Kind::Utf16Le { bom: true },
            title: "Graph Neural Networks that Count Triangles",
            venue: "NeurIPS 2023",
            arxiv: "2305.11873",
            term: "图神经网络",
            zh: "本文分析图神经网络的表达能力，证明加入子图计数特征后可以区分普通消息传递无法区分的图结构。",
            en: "Adding subgraph counts lets message passing tell apart graphs it otherwise confuses.",
        },
        Sample {
            file: "utf16be-bom-diffusion-model.md",
            kind: Kind::Utf16Be,
            title: "Fewer Steps for Diffusion Models via Learned Schedules",
            venue: "ICLR 2024",
            arxiv: "2310.02211",
            term: "扩散模型",
            zh: "本文为扩散模型学习一个采样步长表，只用十步就能生成与一百步相当质量的图像。",
            en: "A learned step schedule lets a diffusion model sample in ten steps.",
        },
        Sample {
            file: "utf16le-nobom-contrastive-learning.md",
            kind: Kind::Utf16Le { bom: false },
            title: "Hard Negatives Matter in Contrastive Learning",
            venue: "ECCV 2022",
            arxiv: "2207.06540",
            term: "对比学习",
            zh: "本文指出对比学习中困难负样本的作用，提出按相似度重新加权负样本，线性评估精度明显提高。",
            en: "Reweighting negatives by similarity improves linear-probe accuracy.",
        },
        Sample {
            file: "utf8-bom-crlf-reinforcement-learning.md",
            kind: Kind::Utf8BomCrlf,
            title: "Offline Reinforcement Learning with Conservative Critics",
            venue: "ICML 2023",
            arxiv: "2302.08870",
            term: "强化学习",
            zh: "本文关注离线强化学习中价值高估的问题，用保守的评论家网络约束策略，在多个基准上优于已有方法。",
            en: "A conservative critic keeps offline policies close to the data.",
        },
        Sample {
            file: "shift_jis-object-detection.md",
            kind: Kind::ShiftJis,
            title: "Open-Vocabulary Object Detection from Captions",
            venue: "CVPR 2024",
            arxiv: "2401.03345",
            term: "物体検出",
            zh: "本論文は画像の説明文から物体検出器を学習する手法を提案し、未知の物体カテゴリでも高い精度を示す。",
            en: "Captions supervise an open-vocabulary object detector.",
        },
        Sample {
            file: "moji-utf8-cp1252-visual-question-answering.md",
            kind: lossless(Chain::Utf8Cp1252),
            title: "Grounded Visual Question Answering with Pointers",
            venue: "CVPR 2023",
            arxiv: "2304.01120",
            term: "视觉问答",
            zh: "本文让视觉问答模型在回答时同时指出图像中的证据区域，答案准确率和可解释性都有提升。",
            en: "The model answers and points at the image region that supports the answer.",
        },
        Sample {
            file: "moji-utf8-latin1-semantic-segmentation.md",
            kind: lossless(Chain::Utf8Latin1),
            title: "Boundary-Aware Semantic Segmentation",
            venue: "ECCV 2024",
            arxiv: "2403.07781",
            term: "语义分割",
            zh: "本文在语义分割网络中加入边界分支，使物体边缘更清晰，在城市街景数据上提升明显。",
            en: "A boundary branch sharpens object edges in segmentation maps.",
        },
        Sample {
            file: "moji-utf8-cp1254-dropped-neural-radiance-field.md",
            kind: lossy(Chain::Utf8Cp1254),
            title: "Sparse-View Neural Radiance Fields",
            venue: "CVPR 2024",
            arxiv: "2402.05512",
            term: "神经辐射场",
            zh: "本文研究只有少量视角时的神经辐射场重建，引入深度先验后新视角合成质量显著提高。",
            en: "Depth priors make radiance fields work from a handful of views.",
        },
        Sample {
            file: "moji-double-utf8-latin1-utf8-gbk-prompt-learning.md",
            kind: lossless(Chain::Utf8Latin1Utf8Gbk),
            title: "Prompt Learning for Vision-Language Models without Labels",
            venue: "ICCV 2023",
            arxiv: "2308.02290",
            term: "提示学习",
            zh: "本文提出无需标注的提示学习方法，用模型自身的预测生成伪标签来优化文本提示。",
            en: "Text prompts are tuned on pseudo-labels from the model itself.",
        },
        Sample {
            file: "moji-utf8-gbk-multimodal-llm.md",
            kind: lossless(Chain::Utf8Gbk),
            title: "Efficient Multimodal Large Language Models via Token Merging",
            venue: "NeurIPS 2024",
            arxiv: "2406.01184",
            term: "多模态大模型",
            zh: "本文通过合并相似的视觉词元来加速多模态大模型推理，速度提升一倍而问答精度基本不变。",
            en: "Merging similar visual tokens halves inference time.",
        },
        Sample {
            file: "moji-gbk-latin1-meta-learning.md",
            kind: lossless(Chain::GbkLatin1),
            title: "Meta-Learning Initializations for Few-Shot Classification",
            venue: "ICLR 2023",
            arxiv: "2209.13375",
            term: "元学习",
            zh: "本文用元学习寻找适合少样本分类的初始化参数，新任务只需几步梯度更新即可达到较高精度。",
            en: "A meta-learned initialization adapts to new tasks in a few steps.",
        },
        Sample {
            file: "moji-big5-latin1-self-supervised-learning.md",
            kind: lossless(Chain::Big5Latin1),
            title: "Masked Self-Supervised Learning for Medical Images",
            venue: "MICCAI 2023",
            arxiv: "2304.11190",
            term: "自監督學習",
            zh: "本文把遮罩式自監督學習用於醫學影像，預訓練後的模型在少量標註下也能得到良好的分割結果。",
            en: "Masked pretraining helps medical segmentation with few labels.",
        },
        Sample {
            file: "moji-double-cp1252-point-cloud-registration.md",
            kind: Kind::MojiTwice(Chain::Utf8Cp1252),
            title: "Robust Point Cloud Registration with Overlap Prediction",
            venue: "CVPR 2023",
            arxiv: "2303.09981",
            term: "点云配准",
            zh: "本文在点云配准前先预测两帧之间的重叠区域，只在重叠区域内匹配特征，大幅减少错误匹配。",
            en: "Predicting the overlap first removes most wrong correspondences.",
        },
        Sample {
            file: "moji-clean-front-matter-broken-body-model-pruning.md",
            kind: Kind::MojiBody(Damage { chain: Chain::Utf8Cp1252, lossy: true }),
            title: "Structured Model Pruning without Retraining",
            venue: "ACL 2025",
            arxiv: "2502.04410",
            term: "模型剪枝",
            zh: "本文提出一种无需重新训练的结构化模型剪枝方法，根据激活统计删除注意力头，参数量减少三成。",
            en: "Attention heads are pruned from activation statistics, no retraining needed.",
        },
    ]
}

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus/encodings");
    std::fs::create_dir_all(&dir)?;
    for s in samples() {
        std::fs::write(dir.join(s.file), bytes_of(&s))?;
        println!("{}\t{}\t{}", s.file, s.term, s.title);
    }
    Ok(())
}
