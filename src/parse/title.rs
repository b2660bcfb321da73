//! Title cleanup: markup, page-kind prefixes (`[论文解读]`, `论文解读--------`), venue tags
//! (`[CVPR 2025]`) and numbering (`| 01`, `1.`, `一、`) around a paper's title.

use super::text;
use crate::meta::{labels, venue};

const SEPARATORS: &[char] = &[
    '-', '—', '–', '_', ':', '：', '|', '｜', '·', '/', '>', '»', ' ', '\u{3000}', '\t', '=', '~',
];

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_prefix_word(s: &str) -> bool {
    let f = fold(s);
    !f.is_empty() && labels::title_prefixes().iter().any(|p| fold(p) == f)
}

/// Strips one leading bracketed tag that is not part of the title: a page-kind word, a venue
/// (`[CVPR 2025]`), a number (`[3]`) or a track.
fn strip_tag(s: &str) -> Option<&str> {
    let close = match s.chars().next()? {
        '[' => ']',
        '【' => '】',
        '(' => ')',
        '（' => '）',
        _ => return None,
    };
    let open_len = s.chars().next()?.len_utf8();
    let end = s.find(close)?;
    let inner = &s[open_len..end];
    let tag = is_prefix_word(inner)
        || venue::find_in_labelled(inner).is_some_and(|_| inner.chars().count() <= 24)
        || inner.trim().chars().all(|c| c.is_ascii_digit())
        || labels::track_in(inner).is_some_and(|_| inner.chars().count() <= 12);
    tag.then(|| s[end + close.len_utf8()..].trim_start_matches(SEPARATORS))
}

/// Strips numbering in front of a title: `| 01 `, `01 `, `1. `, `1、`, `(1)`, `一、`, `Paper 1:`, `论文1：`.
pub fn strip_number(s: &str) -> Option<&str> {
    let t = s.trim_start_matches(['|', '｜', ' ', '#', '*']);
    let t = t
        .strip_prefix("Paper ")
        .or_else(|| t.strip_prefix("paper "))
        .or_else(|| t.strip_prefix("论文"))
        .or_else(|| t.strip_prefix("No."))
        .unwrap_or(t);
    let t = t.strip_prefix(['(', '（', '[']).unwrap_or(t);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = if digits > 0 && digits <= 3 {
        &t[digits..]
    } else {
        let cn = t
            .chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c))
            .count();
        if cn == 0 || cn > 3 {
            return None;
        }
        let bytes: usize = t.chars().take(cn).map(char::len_utf8).sum();
        &t[bytes..]
    };
    let after = rest.strip_prefix([')', '）', ']']).unwrap_or(rest);
    let sep = after.chars().next()?;
    if !matches!(
        sep,
        '.' | '、' | ' ' | ':' | '：' | '|' | '｜' | ')' | '）' | '\u{3000}'
    ) && after.len() == rest.len()
    {
        return None;
    }
    let out =
        after.trim_start_matches(['.', '、', ' ', ':', '：', '|', '｜', '\u{3000}', '-', '—']);
    (!out.is_empty()).then_some(out)
}

/// A paper title from a heading or labelled value: markup removed, page-kind prefixes and
/// venue tags stripped, whitespace collapsed.
pub fn clean(raw: &str) -> String {
    let plain = text::plain(raw);
    let mut s = plain.trim().trim_matches(['*', '_', '`']).trim();
    for _ in 0..4 {
        let before = s.len();
        if let Some(r) = strip_tag(s) {
            s = r;
        }
        for p in labels::title_prefixes() {
            if let Some(r) = s.strip_prefix(p.as_str()) {
                // Only a prefix when set off from the title (`论文解读--------X`, `论文解读：X`);
                // a space alone sets off a CJK prefix but not an English word (`Notes on X`).
                let rest = r.trim_start();
                let marked = rest.len() < r.len() && p.chars().any(text::is_cjk)
                    || rest.starts_with(SEPARATORS);
                if marked && !rest.is_empty() {
                    s = r.trim_start_matches(SEPARATORS);
                }
            }
        }
        if s.len() == before {
            break;
        }
    }
    text::squash(s)
}

/// Splits a trailing `(Oral)` / `（Highlight）` tag off a title.
pub fn split_track(title: &str) -> (String, Option<&'static str>) {
    let t = title.trim_end();
    for (open, close) in [('(', ')'), ('（', '）'), ('[', ']'), ('【', '】')] {
        if let Some(body) = t.strip_suffix(close) {
            if let Some(p) = body.rfind(open) {
                let inner = &body[p + open.len_utf8()..];
                if inner.chars().count() <= 24 {
                    if let Some(track) = labels::track_in(inner) {
                        return (body[..p].trim_end().to_string(), Some(track));
                    }
                }
            }
        }
    }
    (t.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_tags() {
        assert_eq!(
            clean("[论文解读] 3D-GSW: Robust Watermarking"),
            "3D-GSW: Robust Watermarking"
        );
        assert_eq!(
            clean("论文解读--------Sparse Gates: A Study"),
            "Sparse Gates: A Study"
        );
        assert_eq!(clean("[CVPR 2025] **Title**"), "Title");
        assert_eq!(clean("Notes on Notes"), "Notes on Notes");
        assert_eq!(clean("[VOID] Tokens"), "[VOID] Tokens");
    }

    #[test]
    fn numbering() {
        assert_eq!(strip_number("| 01 Title Here"), Some("Title Here"));
        assert_eq!(strip_number("1. Title"), Some("Title"));
        assert_eq!(strip_number("一、Title"), Some("Title"));
        assert_eq!(strip_number("论文2：Title"), Some("Title"));
        assert_eq!(strip_number("3D Vision"), None);
        assert_eq!(strip_number("2023 was a year"), None);
    }

    #[test]
    fn tracks() {
        assert_eq!(
            split_track("Fast Nets（Oral）"),
            ("Fast Nets".to_string(), Some("oral"))
        );
        assert_eq!(
            split_track("Fast Nets (v2)"),
            ("Fast Nets (v2)".to_string(), None)
        );
    }
}
