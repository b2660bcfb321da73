//! Snippets: the passage of a paper's text that best shows why it matched.
//!
//! Our own rather than tantivy's: tantivy counts `max_num_chars` in bytes (a Chinese
//! snippet comes out a third as long as an English one) and its HTML output can panic when
//! token offsets go backwards. Here windows are measured in display columns and cut on
//! character boundaries only.

use crate::analyze;
#[cfg(doc)]
use crate::analyze::Mode;
use serde::Serialize;
use std::collections::HashSet;
use unicode_width::UnicodeWidthChar;

/// Display width of a snippet: about two terminal lines.
pub const SNIPPET_COLUMNS: usize = 160;

/// How many candidate windows [`best`] tries.
const MAX_WINDOWS: usize = 64;

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

/// How much of a paper's text is searched for matches before settling for what was found: a
/// long merged text is scanned further only when this part has no match at all.
const SCAN_BYTES: usize = 64 * 1024;

/// A Han (or kana/hangul) needle ready for scanning.
struct HanNeedle {
    /// Folded characters.
    chars: Vec<char>,
    /// Original characters the first one can be written as (simplified and traditional).
    firsts: Vec<char>,
}

/// Finds needle occurrences without tokenizing the text: words are folded (and stemmed) only when
/// their first letter could start a needle, Han text is folded only where a needle's first
/// character occurs. The result equals matching [`Mode::Names`] tokens, at a fraction of the cost.
fn find_matches(text: &str, needles: &Needles) -> Vec<Match> {
    let latin: Vec<&str> = needles.latin.iter().map(String::as_str).collect();
    let han: Vec<HanNeedle> = needles
        .han
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| HanNeedle {
            chars: n.clone(),
            firsts: analyze::han_variants(n[0]),
        })
        .collect();
    let cut = scan_cut(text);
    let mut out = Vec::new();
    scan(text, 0, cut, &latin, &han, &mut out);
    if out.is_empty() && cut < text.len() {
        scan(text, cut, text.len(), &latin, &han, &mut out);
    }
    out.sort_by_key(|m| (m.from, std::cmp::Reverse(m.to)));
    out
}

/// End of the first [`SCAN_BYTES`] of `text`, moved to a line break (or char boundary) so no
/// word is cut.
fn scan_cut(text: &str) -> usize {
    if text.len() <= SCAN_BYTES {
        return text.len();
    }
    let rest = &text.as_bytes()[SCAN_BYTES..];
    let at = rest
        .iter()
        .position(|&b| b == b'\n')
        .or_else(|| rest.iter().position(u8::is_ascii_whitespace));
    match at {
        Some(p) => SCAN_BYTES + p,
        None => (SCAN_BYTES..=text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len()),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum WordClass {
    Letter,
    Digit,
}

fn word_class(c: char) -> Option<WordClass> {
    if c.is_ascii() {
        return if c.is_ascii_digit() {
            Some(WordClass::Digit)
        } else if c.is_ascii_alphabetic() {
            Some(WordClass::Letter)
        } else {
            None
        };
    }
    if analyze::is_han(c) || analyze::is_kana_or_hangul(c) {
        return None;
    }
    let f = analyze::fold_char(c)?;
    Some(if f.is_ascii_digit() || (!f.is_ascii() && f.is_numeric()) {
        WordClass::Digit
    } else {
        WordClass::Letter
    })
}

fn scan(
    text: &str,
    from: usize,
    to: usize,
    latin: &[&str],
    han: &[HanNeedle],
    out: &mut Vec<Match>,
) {
    let part = &text[from..to];
    // Han needles: jump from one occurrence of a first character to the next (the UTF-8 of a
    // whole character only matches at character boundaries).
    let mut buf = [0u8; 4];
    for (k, n) in han.iter().enumerate() {
        for &first in &n.firsts {
            let pat = first.encode_utf8(&mut buf).as_bytes();
            for i in memchr::memmem::find_iter(part.as_bytes(), pat) {
                let mut end = i;
                let mut chars = part[i..].char_indices();
                let whole = n.chars.iter().all(|&want| match chars.next() {
                    Some((j, got)) if analyze::fold_char(got) == Some(want) => {
                        end = i + j + got.len_utf8();
                        true
                    }
                    _ => false,
                });
                if whole {
                    out.push(Match {
                        from: from + i,
                        to: from + end,
                        needle: latin.len() + k,
                    });
                }
            }
        }
    }
    if latin.is_empty() {
        return;
    }
    let mut word: Option<(usize, WordClass)> = None;
    for (i, c) in part.char_indices() {
        let class = word_class(c);
        if let Some((ws, wc)) = word {
            if class != Some(wc) {
                word_match(part, ws, i, latin, from, out);
                word = None;
            }
        }
        if let (Some(wc), None) = (class, word) {
            word = Some((i, wc));
        }
    }
    if let Some((ws, _)) = word {
        word_match(part, ws, part.len(), latin, from, out);
    }
}

/// Checks one word of `part[ws..we]` against the Latin needles (folded or stemmed form).
fn word_match(part: &str, ws: usize, we: usize, latin: &[&str], base: usize, out: &mut Vec<Match>) {
    if latin.is_empty() {
        return;
    }
    let w = &part[ws..we];
    let first = w.chars().next().and_then(analyze::fold_char);
    // Stemming keeps a word's first letter, so most words are rejected here, unfolded.
    if !latin.iter().any(|n| n.chars().next() == first) {
        return;
    }
    let folded: String = if w.is_ascii() {
        w.to_ascii_lowercase()
    } else {
        w.chars().filter_map(analyze::fold_char).collect()
    };
    let hit = latin.iter().position(|n| *n == folded).or_else(|| {
        let stemmed = analyze::stem(&folded);
        latin.iter().position(|n| *n == stemmed)
    });
    if let Some(k) = hit {
        out.push(Match {
            from: base + ws,
            to: base + we,
            needle: k,
        });
    }
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
    // Windows start at the first matches only: a page that matches hundreds of times has found
    // its best window long before, and each try walks a window's width of text.
    for (mi, m) in matches.iter().enumerate().take(MAX_WINDOWS) {
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

    /// The matcher before the scanner: every token of the text in [`Mode::Names`].
    fn token_matches(text: &str, needles: &Needles) -> Vec<(usize, usize)> {
        let toks = analyze::tokens(text, analyze::Mode::Names);
        let mut out = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            if analyze::is_han(text[t.from..].chars().next().unwrap_or(' ')) {
                for n in &needles.han {
                    let ok = i + n.len() <= toks.len()
                        && (0..n.len()).all(|j| {
                            toks[i + j].text.starts_with(n[j])
                                && (j == 0 || toks[i + j - 1].to == toks[i + j].from)
                        });
                    if ok {
                        out.push((t.from, toks[i + n.len() - 1].to));
                    }
                }
            } else if needles.latin.contains(&t.text)
                || needles.latin.contains(&analyze::stem(&t.text))
            {
                out.push((t.from, t.to));
            }
        }
        out.sort_by_key(|&(f, t)| (f, std::cmp::Reverse(t)));
        out
    }

    #[test]
    fn scanner_finds_what_tokenizing_finds() {
        let n = needles(
            &["feder", "learn", "2023", "cafe"],
            &["联邦学习", "学", "模型"],
        );
        let mut texts = vec![
            "Federated LEARNING at CVPR2023: 聯邦學習與联邦学习模型，learners learned.".to_string(),
            "Café culture; ｌｅａｒｎｉｎｇ full-width, naïve federation 2023年 学学".to_string(),
        ];
        // Seeded random mixes of the pieces that matter: case, digits, traditional forms,
        // separators, accents.
        let parts = [
            "learn",
            "Learning",
            "FEDERATED",
            "fed",
            "2023",
            "CVPR",
            "聯邦",
            "联邦",
            "學習",
            "学习",
            "模型",
            "模",
            "型",
            " ",
            "，",
            "-",
            "é",
            "café",
            "x",
            "\n",
            "ﬁ",
        ];
        let mut seed = 7u64;
        for _ in 0..300 {
            let mut t = String::new();
            for _ in 0..20 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                t.push_str(parts[(seed >> 33) as usize % parts.len()]);
            }
            texts.push(t);
        }
        for t in &texts {
            let got: Vec<(usize, usize)> =
                find_matches(t, &n).iter().map(|m| (m.from, m.to)).collect();
            assert_eq!(got, token_matches(t, &n), "{t:?}");
        }
    }

    #[test]
    fn long_texts_are_scanned_in_part_unless_the_part_has_no_match() {
        let filler = "无关的内容。".repeat(SCAN_BYTES / 10);
        let late = format!("{filler}\n联邦学习");
        let s = best(&late, &needles(&[], &["联邦学习"]));
        assert!(marked(&s).contains("[联邦学习]"), "{}", marked(&s));
        let both = format!("联邦 opening\n{filler}\n联邦学习");
        let m = find_matches(&both, &needles(&[], &["联邦"]));
        assert_eq!(
            m.len(),
            1,
            "only the first part is scanned when it has a match"
        );
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
