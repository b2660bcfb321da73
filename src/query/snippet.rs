//! Snippets: the passage of a paper's text that best shows why it matched.
//!
//! Our own rather than tantivy's: tantivy counts `max_num_chars` in bytes (a Chinese
//! snippet comes out a third as long as an English one) and its HTML output can panic when
//! token offsets go backwards. Here windows are measured in display columns and cut on
//! character boundaries only.

use crate::analyze::{self, Mode};
use serde::Serialize;
use std::collections::HashSet;
use unicode_width::UnicodeWidthChar;

/// Display width of a snippet: about two terminal lines.
pub const SNIPPET_COLUMNS: usize = 160;

/// What to highlight: stemmed Latin terms and folded Han strings from the query.
#[derive(Debug, Clone, Default)]
pub struct Needles {
    latin: HashSet<String>,
    han: Vec<Vec<char>>,
}

impl Needles {
    /// Adds Latin query terms (already analyzed: lowercased, stemmed).
    pub fn add_latin(&mut self, terms: &[String]) {
        self.latin.extend(terms.iter().cloned());
    }
    /// Adds a Han query run (already folded).
    pub fn add_han(&mut self, run: &str) {
        self.han.push(run.chars().collect());
    }
    /// True when there is nothing to highlight.
    pub fn is_empty(&self) -> bool {
        self.latin.is_empty() && self.han.is_empty()
    }
}

/// A passage and the byte ranges in it to highlight.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Snippet {
    /// The passage, whitespace collapsed, with `…` where it was cut.
    pub text: String,
    /// Byte ranges of `text` that matched the query, in order, not overlapping.
    pub highlights: Vec<(usize, usize)>,
}

/// A match in the original text: byte range and which needle.
struct Match {
    from: usize,
    to: usize,
    needle: usize,
}

fn find_matches(text: &str, needles: &Needles) -> Vec<Match> {
    let toks = analyze::tokens(text, Mode::Names);
    let latin: Vec<&String> = needles.latin.iter().collect();
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let first = t.text.chars().next().unwrap_or(' ');
        if analyze::is_han(text[t.from..].chars().next().unwrap_or(' ')) {
            for (k, n) in needles.han.iter().enumerate() {
                if n.first() != Some(&first) || i + n.len() > toks.len() {
                    continue;
                }
                let ok = (1..n.len()).all(|j| {
                    let (a, b) = (&toks[i + j - 1], &toks[i + j]);
                    b.text.chars().next() == Some(n[j]) && text[a.to..b.from].is_empty()
                });
                if ok {
                    out.push(Match {
                        from: t.from,
                        to: toks[i + n.len() - 1].to,
                        needle: latin.len() + k,
                    });
                }
            }
        } else if !latin.is_empty() {
            let stemmed = analyze::stem(&t.text);
            if let Some(k) = latin.iter().position(|n| **n == stemmed || **n == t.text) {
                out.push(Match {
                    from: t.from,
                    to: t.to,
                    needle: k,
                });
            }
        }
    }
    out.sort_by_key(|m| (m.from, std::cmp::Reverse(m.to)));
    out
}

fn width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Characters that are markup noise in a one-line passage.
fn is_noise(c: char) -> bool {
    matches!(c, '*' | '#' | '`' | '>' | '|' | '$')
}

/// Picks the best window of `text` for `needles` and cuts it out.
pub fn best(text: &str, needles: &Needles) -> Snippet {
    let matches = if needles.is_empty() {
        Vec::new()
    } else {
        find_matches(text, needles)
    };
    // Candidate starts: a little before each match, so the match has some context.
    let mut best_start = 0usize;
    let mut best_score = (0usize, 0usize);
    for (mi, m) in matches.iter().enumerate() {
        let start = back_off(text, m.from, 24);
        let end = forward(text, start, SNIPPET_COLUMNS);
        let mut distinct = HashSet::new();
        let mut count = 0;
        for n in &matches[mi..] {
            if n.to > end {
                break;
            }
            distinct.insert(n.needle);
            count += 1;
        }
        let score = (distinct.len(), count);
        if score > best_score {
            best_score = score;
            best_start = start;
        }
    }
    let end = forward(text, best_start, SNIPPET_COLUMNS);
    build(text, best_start, end, &matches)
}

/// Start of the window: up to `cols` columns before `at`, after a sentence break if one is near.
fn back_off(text: &str, at: usize, cols: usize) -> usize {
    let mut w = 0;
    let mut start = at;
    for (i, c) in text[..at].char_indices().rev() {
        if matches!(c, '\n' | '。' | '！' | '？' | '；')
            || (c == '.' && text[i + 1..].starts_with(' '))
        {
            return i + c.len_utf8();
        }
        w += width(c);
        if w > cols {
            break;
        }
        start = i;
    }
    start
}

/// End of a window starting at `start` and `cols` columns wide (whitespace runs count once).
fn forward(text: &str, start: usize, cols: usize) -> usize {
    let mut w = 0;
    let mut prev_space = false;
    for (i, c) in text[start..].char_indices() {
        let cw = if c.is_whitespace() {
            if prev_space {
                0
            } else {
                1
            }
        } else if is_noise(c) {
            0
        } else {
            width(c)
        };
        prev_space = c.is_whitespace();
        if w + cw > cols {
            return start + i;
        }
        w += cw;
    }
    text.len()
}

fn build(text: &str, start: usize, end: usize, matches: &[Match]) -> Snippet {
    let mut out = String::new();
    let mut highlights = Vec::new();
    if start > 0 {
        out.push('…');
    }
    let mut mi = matches
        .iter()
        .filter(|m| m.from >= start && m.to <= end)
        .peekable();
    let mut open: Option<(usize, usize)> = None; // (orig end, out start)
    let mut prev_space = true;
    for (i, c) in text[start..end].char_indices() {
        let at = start + i;
        if open.is_none() {
            while mi.peek().is_some_and(|m| m.from < at) {
                mi.next();
            }
            if let Some(m) = mi.peek() {
                if m.from == at {
                    open = Some((m.to, out.len()));
                    mi.next();
                }
            }
        }
        if c.is_whitespace() || c.is_control() {
            if !prev_space {
                out.push(' ');
            }
            prev_space = true;
        } else if !is_noise(c) {
            out.push(c);
            prev_space = false;
        }
        if let Some((to, s)) = open {
            if at + c.len_utf8() >= to {
                if out.len() > s {
                    highlights.push((s, out.len()));
                }
                open = None;
            }
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if end < text.len() {
        out.push('…');
    }
    highlights.retain(|&(_, e)| e <= out.len());
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles(latin: &[&str], han: &[&str]) -> Needles {
        let mut n = Needles::default();
        n.add_latin(&latin.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        for h in han {
            n.add_han(h);
        }
        n
    }

    fn marked(s: &Snippet) -> String {
        let mut out = String::new();
        let mut last = 0;
        for &(a, b) in &s.highlights {
            out.push_str(&s.text[last..a]);
            out.push('[');
            out.push_str(&s.text[a..b]);
            out.push(']');
            last = b;
        }
        out.push_str(&s.text[last..]);
        out
    }

    #[test]
    fn chinese_match_is_highlighted_on_char_boundaries() {
        let text = "背景介绍。".repeat(60)
            + "本文研究联邦学习中的隐私问题，提出新的聚合方法。"
            + &"结尾。".repeat(60);
        let s = best(&text, &needles(&[], &["联邦学习"]));
        assert!(marked(&s).contains("[联邦学习]"), "{}", marked(&s));
        let w: usize = s.text.chars().map(width).sum();
        assert!(
            (60..=SNIPPET_COLUMNS + 2).contains(&w),
            "snippet is {w} columns wide"
        );
    }

    #[test]
    fn english_match_by_stem_and_window_width_in_columns() {
        let text = "Filler words here. ".repeat(50)
            + "We study federated learning with private clients."
            + &" More filler.".repeat(50);
        let s = best(&text, &needles(&["feder", "learn"], &[]));
        assert_eq!(marked(&s).matches('[').count(), 2, "{}", marked(&s));
        assert!(marked(&s).contains("[federated] [learning]"));
        assert!(s.text.chars().count() <= SNIPPET_COLUMNS + 2);
    }

    #[test]
    fn traditional_text_matches_simplified_needle() {
        let s = best("我們研究聯邦學習的方法", &needles(&[], &["联邦学习"]));
        assert_eq!(marked(&s), "我們研究[聯邦學習]的方法");
    }

    #[test]
    fn no_match_gives_the_opening_and_never_panics_on_odd_text() {
        let s = best("短文本", &needles(&["x"], &[]));
        assert_eq!(s.text, "短文本");
        for t in ["", "\u{FFFD}\u{0}", "a\u{301}b", "𠀀𠀁𠀂 ext-B", "**$x$**"] {
            let s = best(t, &needles(&["x"], &["𠀀"]));
            for &(a, b) in &s.highlights {
                assert!(s.text.is_char_boundary(a) && s.text.is_char_boundary(b));
            }
        }
    }
}
