//! Posts reviewing several papers, each under a numbered heading (`## | 01 Title`, `### 1. Title`,
//! `一、Title`, `论文2：Title`) followed by labelled lines (`**论文作者**：…`, `**论文下载**：…`).
//! Papers inherit the venue and year the page names unless they state their own.

use super::doc::Doc;
use super::fields::label_line;
use super::record::Span;
use super::title;
use crate::meta::labels::Field;

/// A numbered candidate line: its group (heading level, or 7 for plain lines) and title.
fn candidate<'a>(doc: &Doc<'a>, i: usize) -> Option<(u8, &'a str)> {
    if doc.junk[i] || doc.code[i] {
        return None;
    }
    if let Some((level, h)) = doc.heading(i) {
        return title::strip_number(h).map(|t| (level, t));
    }
    let t = doc.lines[i].trim();
    // Plain lines only count when set off: bold (`**1. Title**`) or Chinese numbering (`一、`).
    let bold = t.strip_prefix("**").and_then(|r| r.strip_suffix("**"));
    if let Some(b) = bold {
        return title::strip_number(b).map(|t| (7, t));
    }
    if t.chars()
        .next()
        .is_some_and(|c| "一二三四五六七八九十".contains(c))
        && t.chars().count() <= 150
    {
        return title::strip_number(t).map(|t| (7, t));
    }
    None
}

fn is_paper_label(f: Field) -> bool {
    matches!(
        f,
        Field::Authors | Field::Pdf | Field::Arxiv | Field::Code | Field::Title | Field::Venue
    )
}

/// Record spans when at least two numbered sections of one level carry paper labels.
pub fn spans(doc: &Doc<'_>) -> Option<Vec<Span>> {
    let n = doc.lines.len();
    let cands: Vec<(usize, u8, &str)> = (doc.body..n)
        .filter_map(|i| candidate(doc, i).map(|(l, t)| (i, l, t)))
        .collect();
    if cands.len() < 2 {
        return None;
    }
    let mut best: Option<(usize, Vec<Span>)> = None;
    for level in 1..=7u8 {
        let group: Vec<&(usize, u8, &str)> = cands.iter().filter(|c| c.1 == level).collect();
        if group.len() < 2 {
            continue;
        }
        let mut spans = Vec::new();
        let mut evidence = 0;
        for (k, &&(i, _, t)) in group.iter().enumerate() {
            let next = group.get(k + 1).map_or(n, |c| c.0);
            // A heading at the group's level or above closes the section (`## 写在最后`, the epilogue).
            let end = (i + 1..next)
                .find(|&j| {
                    doc.heading(j)
                        .is_some_and(|(l, _)| l <= level.min(6) && (level <= 6 || l <= 2))
                })
                .unwrap_or(next);
            let labels: Vec<Field> = (i + 1..end)
                .filter(|&j| !doc.junk[j] && !doc.code[j])
                .filter_map(|j| label_line(doc.lines[j]).map(|(f, _)| f))
                .collect();
            if labels.iter().any(|&f| is_paper_label(f)) {
                evidence += 1;
            }
            let (clean, track) = title::split_track(&title::clean(t));
            spans.push(Span {
                start: i,
                end,
                title_lines: vec![i],
                title: clean,
                label_title_wins: labels.contains(&Field::Title),
                title_track: track,
                layout: "venue-post",
                ..Span::default()
            });
        }
        if evidence >= 2
            && evidence * 2 >= spans.len()
            && best.as_ref().is_none_or(|b| evidence > b.0)
        {
            best = Some((evidence, spans));
        }
    }
    best.map(|b| b.1)
}

#[cfg(test)]
mod tests {
    use crate::parse::parse;
    use std::path::Path;

    #[test]
    fn english_labels_under_numbered_headings() {
        let page = "# Our favourite ACL 2024 papers\n\nIntro.\n\n### 1. Fast Parsing\nAuthors: Ann Lee (MIT), Bo Wu\nPaper: https://aclanthology.org/2024.acl-long.1.pdf\nWe parse fast.\n\n### 2. Slow Parsing (Findings)\nAuthors: Cy Li\nCode: https://github.com/x/y\nWe parse slowly.\n";
        let r = parse(page, Path::new("blog/acl.md"));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].title, "Fast Parsing");
        assert_eq!(r[0].authors, ["Ann Lee", "Bo Wu"]);
        assert_eq!(
            (r[0].venue.as_deref(), r[0].year),
            (Some("ACL"), Some(2024))
        );
        assert_eq!(
            (r[1].title.as_str(), r[1].track.as_deref()),
            ("Slow Parsing", Some("findings"))
        );
        assert_eq!(r[1].code_url.as_deref(), Some("https://github.com/x/y"));
    }

    #[test]
    fn chinese_numbered_plain_lines() {
        let page = "ECCV 2022 论文合集\n\n一、Depth Anything Small\n作者：张三（某大学）\n论文链接：https://example.org/a.pdf\n简介：单目深度估计。\n\n二、Seg Everything Tiny\n作者：李四\n论文链接：https://example.org/b.pdf\n简介：轻量分割。\n";
        let r = parse(page, Path::new("eccv.txt"));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].title, "Depth Anything Small");
        assert_eq!(r[0].authors, ["张三"]);
        assert_eq!(
            (r[1].venue.as_deref(), r[1].year),
            (Some("ECCV"), Some(2022))
        );
        assert_eq!(r[1].title, "Seg Everything Tiny");
    }

    #[test]
    fn numbered_sections_of_one_paper_are_not_split() {
        let page = "# One Paper\n\n**作者**: Ann Lee\n\n## 1. 方法\n我们提出方法。\n\n## 2. 实验\n结果很好。\n";
        assert_eq!(parse(page, Path::new("n.md")).len(), 1);
    }
}
