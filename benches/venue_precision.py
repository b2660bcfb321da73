#!/usr/bin/env python3
"""Precision@10 of `<topic> <VENUE>` queries, judged automatically through the binary.

A hit counts as relevant when its venue field is VENUE and its title or snippet contains the
topic in English or Chinese (the glossary's forms). usage: benches/venue_precision.py [--index DIR]
"""
import json, subprocess, sys, pathlib

args = sys.argv[1:]
index = args[args.index("--index") + 1] if "--index" in args else None
binary = pathlib.Path(__file__).resolve().parent.parent / "target" / "release" / "papersift"
QUERIES = [
    ("federated learning", "联邦学习", "CVPR"), ("diffusion model", "扩散", "CVPR"), ("object detection", "检测", "ECCV"),
    ("semantic segmentation", "分割", "CVPR"), ("knowledge distillation", "蒸馏", "CVPR"), ("point cloud", "点云", "ECCV"),
    ("reinforcement learning", "强化学习", "NeurIPS"), ("large language model", "大语言模型", "ACL"),
    ("machine translation", "翻译", "ACL"), ("hallucination", "幻觉", "ACL"), ("graph neural network", "图神经网络", "NeurIPS"),
    ("contrastive learning", "对比学习", "CVPR"), ("video generation", "视频生成", "CVPR"), ("retrieval-augmented generation", "检索增强", "ACL"),
    ("adversarial attack", "对抗", "ECCV"), ("3D reconstruction", "重建", "ECCV"), ("optimization", "优化", "NeurIPS"),
    ("question answering", "问答", "ACL"), ("image super-resolution", "超分", "CVPR"), ("continual learning", "持续学习", "NeurIPS"),
]
total = 0.0
print(f"{'query':40} {'P@10':>5}")
for en, zh, venue in QUERIES:
    cmd = [str(binary)] + (["--index", index] if index else []) + ["search", "--format", "json", "-n", "10", "--", f"{en} {venue}"]
    hits = json.loads(subprocess.run(cmd, capture_output=True, text=True).stdout)["hits"]
    words = [w for w in en.lower().replace("-", " ").split() if len(w) > 3]
    def relevant(h):
        text = (h["title"] + " " + h["snippet"]).lower()
        return h["venue"] == venue and (zh in text or all(w[:5] in text for w in words))
    p = sum(map(relevant, hits)) / 10
    total += p
    print(f"{en + ' ' + venue:40} {p:5.2f}")
print(f"\nmean precision@10 over {len(QUERIES)} queries: {total / len(QUERIES):.3f}")
