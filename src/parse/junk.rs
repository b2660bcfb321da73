//! Site furniture: decided by structure (link density, position, headings, HTML) plus the
//! phrases in `index-schema/junk.toml` that structure can't tell.

use super::text::{self, heading};
use once_cell::sync::Lazy;
use regex::Regex;
use serde::Deserialize;

/// The junk table as shipped in `index-schema/junk.toml`.
pub const JUNK_TOML: &str = include_str!("../../index-schema/junk.toml");

#[derive(Deserialize)]
struct JunkFile {
    line_phrases: Vec<String>,
    block_headings: Vec<String>,
}

struct Tables {
    phrases: Regex,
    blocks: Vec<String>,
}

static TABLES: Lazy<Tables> = Lazy::new(|| {
    // Shipped in the binary and parsed by a unit test: a failure is a build defect.
    let f: JunkFile = toml::from_str(JUNK_TOML).expect("index-schema/junk.toml is valid (tested)");
    let alt = f
        .line_phrases
        .iter()
        .map(|p| regex::escape(&p.to_lowercase()))
        .collect::<Vec<_>>()
        .join("|");
    Tables {
        phrases: Regex::new(&format!("(?i){alt}")).expect("junk regex"),
        blocks: f.block_headings.iter().map(|b| fold(b)).collect(),
    }
});

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a line holds a junk phrase (disclaimer, copyright, image placeholder…).
pub fn has_junk_phrase(line: &str) -> bool {
    TABLES.phrases.is_match(line)
}

/// Whether a heading or short line names a block of links to other pages (`相关文章`, `目录`).
pub fn is_block_heading(s: &str) -> bool {
    let f = fold(&text::plain(s));
    // `相关文章推荐`, `Related articles:`: the phrase may carry a short tail.
    !f.is_empty()
        && f.chars().count() <= 16
        && TABLES.blocks.iter().any(|b| {
            f == *b || (f.starts_with(b.as_str()) && f.chars().count() <= b.chars().count() + 3)
        })
}

/// Visible characters of a line and how many of them are link text.
fn link_share(line: &str) -> (usize, usize, usize) {
    let ls = text::links(line);
    let linked: usize = ls
        .iter()
        .map(|l| l.text.chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    let visible: usize = text::plain(line)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '*' | '|' | '•' | '·' | '/' | '>'))
        .count();
    (visible, linked, ls.iter().filter(|l| !l.image).count())
}

/// Whether a line is mostly link text and short: a navigation entry, not prose.
fn is_link_line(line: &str) -> bool {
    if !line.contains("](") {
        return false;
    }
    let (visible, linked, n) = link_share(line);
    n >= 1 && visible <= 80 && linked * 10 >= visible * 6
}

/// Whether every link of a line points into the page (`[cs.CV](#cs.CV)`): a table of contents.
fn is_anchor_line(line: &str) -> bool {
    let ls = text::links(line);
    !ls.is_empty() && ls.iter().all(|l| l.url.starts_with('#')) && heading(line).is_none()
}

fn is_label_line(line: &str) -> bool {
    super::fields::label_line(line).is_some()
}

/// Marks the lines of `lines[start..]` that are junk. `code` marks fenced code lines (never junk
/// by structure).
pub fn mark(lines: &[&str], start: usize, code: &[bool]) -> Vec<bool> {
    let n = lines.len();
    let mut junk = vec![false; n];
    for j in junk.iter_mut().take(start.min(n)) {
        *j = true;
    }
    let mut i = start;
    let mut in_comment = false;
    while i < n {
        let line = lines[i];
        let t = line.trim();
        if code[i] {
            i += 1;
            continue;
        }
        // HTML comments, possibly spanning lines.
        if in_comment || t.starts_with("<!--") {
            junk[i] = true;
            in_comment = !t.contains("-->");
            i += 1;
            continue;
        }
        if t.is_empty() {
            i += 1;
            continue;
        }
        // Phrases mark furniture lines, never headings: titles say "Empowered by…" too.
        if text::is_markup_only(t)
            || (heading(t).is_none() && has_junk_phrase(t))
            || is_anchor_line(t)
        {
            junk[i] = true;
            i += 1;
            continue;
        }
        if let Some((level, h)) = heading(t) {
            if is_block_heading(h) {
                // The block runs to the next heading of the same or a higher level.
                junk[i] = true;
                i += 1;
                while i < n && !heading(lines[i]).is_some_and(|(l, _)| l <= level && !code[i]) {
                    junk[i] = true;
                    i += 1;
                }
                continue;
            }
        } else if t.chars().count() <= 24 && is_block_heading(t.trim_end_matches([':', '：'])) {
            // A standalone marker line: drop it and the list that follows, up to prose.
            junk[i] = true;
            i += 1;
            while i < n {
                let l = lines[i].trim();
                let listish = l.is_empty()
                    || is_link_line(l)
                    || l.starts_with(['-', '*', '+', '•', '·'])
                    || l.chars().next().is_some_and(|c| c.is_ascii_digit())
                    || (l.chars().count() <= 40 && !l.ends_with(['。', '.', '！', '？', '!', '?']));
                if heading(l).is_some() || !listish {
                    break;
                }
                junk[i] = true;
                i += 1;
            }
            continue;
        }
        i += 1;
    }
    // Navigation: a run of three or more link lines (blank lines allowed between), or one line
    // holding three or more links and little else (`[首页](/) | [论文](/p) | [关于](/a)`).
    let mut i = start;
    while i < n {
        let t = lines[i].trim();
        if junk[i] || code[i] || !is_link_line(t) || heading(t).is_some() || is_label_line(t) {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut run = Vec::new();
        while j < n {
            let l = lines[j].trim();
            if l.is_empty() || junk[j] {
                j += 1;
                continue;
            }
            if code[j] || !is_link_line(l) || heading(l).is_some() || is_label_line(l) {
                break;
            }
            run.push(j);
            j += 1;
        }
        let many_links = run.len() == 1 && link_share(t).2 >= 3;
        if run.len() >= 3 || many_links {
            for k in run {
                junk[k] = true;
            }
        }
        i = j.max(i + 1);
    }
    junk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses() {
        let f: JunkFile = toml::from_str(JUNK_TOML).unwrap();
        assert!(!f.line_phrases.is_empty() && !f.block_headings.is_empty());
    }

    #[test]
    fn phrases_and_blocks() {
        assert!(has_junk_phrase(
            "本文来自互联网用户投稿，该文观点仅代表作者本人"
        ));
        assert!(has_junk_phrase("Copyright © 2024 Foo"));
        assert!(is_block_heading("相关文章"));
        assert!(is_block_heading("Related papers:"));
        assert!(!is_block_heading("相关工作"));
        assert!(!is_block_heading("与相关工作的对比"));
    }

    #[test]
    fn nav_toc_and_related_blocks() {
        let lines = vec![
            "[首页](/) | [论文](/p) | [关于](/a)",
            "# Title",
            "- [cs.CV](#cs.CV) [Total: 3]",
            "Prose about the paper, long enough to be a real sentence here.",
            "**论文下载**：[PDF](http://x/a.pdf)",
            "## 相关论文",
            "- [Other](o.md)",
            "<!-- RELATED:END -->",
        ];
        let code = vec![false; lines.len()];
        let j = mark(&lines, 0, &code);
        assert_eq!(j, vec![true, false, true, false, false, true, true, true]);
    }
}
