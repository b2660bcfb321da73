//! Line-level markdown helpers: headings, links, arXiv ids, and turning lines into indexed text.

use once_cell::sync::Lazy;
use regex::Regex;

/// An ATX heading: level (1–6) and its text, or `None`.
pub fn heading(line: &str) -> Option<(u8, &str)> {
    let t = line.trim_start();
    // Indented four spaces or more is a code block, not a heading.
    if line.len() - t.len() > 3 {
        return None;
    }
    let level = t.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((level as u8, rest.trim().trim_end_matches('#').trim()))
}

static LINK: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r#"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+"[^"]*")?\s*\)"#)
        .expect("static regex")
});
static BARE_URL: Lazy<Regex> =
    Lazy::new(|| Regex::new(r#"https?://[^\s()\[\]<>"'，。；、）】]+"#).expect("static regex"));
static ARXIV: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?i)arxiv(?:\.org/(?:abs|pdf|html)/|\s*[:：]\s*|\s+|\.)((?:\d{4}\.\d{4,5})|(?:[a-z][a-z\-]+(?:\.[a-z]{2})?/\d{7}))")
        .expect("static regex")
});
static BARE_ARXIV: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:^|[^\w.])((?:\d{4}\.\d{4,5})|(?:[a-z][a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?(?:$|[^\w.])")
        .expect("static regex")
});

/// A markdown link or image found in a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Link<'a> {
    /// Link text (alt text for images).
    pub text: &'a str,
    /// Target URL.
    pub url: &'a str,
    /// Whether it is an image (`![alt](src)`).
    pub image: bool,
    /// Byte span in the line.
    pub span: (usize, usize),
}

/// Markdown links and images of a line, in order.
pub fn links(line: &str) -> Vec<Link<'_>> {
    if !line.contains("](") {
        return Vec::new();
    }
    LINK.captures_iter(line)
        .filter_map(|c| {
            let all = c.get(0)?;
            Some(Link {
                text: c.get(1).map_or("", |m| m.as_str()),
                url: c.get(2).map_or("", |m| m.as_str()),
                image: all.as_str().starts_with('!'),
                span: (all.start(), all.end()),
            })
        })
        .collect()
}

/// Every http(s) URL in a line: link targets and bare URLs, in order, without duplicates.
pub fn urls(line: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !line.contains("http") {
        return out;
    }
    for l in links(line) {
        if l.url.starts_with("http") && !l.image && !out.iter().any(|u| u == l.url) {
            out.push(l.url.to_string());
        }
    }
    for m in BARE_URL.find_iter(line) {
        let u = m.as_str().trim_end_matches(['.', ',', ';', ':', '*', '_']);
        if !out.iter().any(|x| x == u) {
            out.push(u.to_string());
        }
    }
    out
}

/// The arXiv id an `arxiv.org/abs/…` URL or an `arXiv:…` mention names, version stripped.
pub fn arxiv_id(s: &str) -> Option<String> {
    if !(s.contains("rxiv") || s.contains("rXiv") || s.contains("RXIV") || s.contains("RXiv")) {
        return None;
    }
    ARXIV
        .captures(s)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

/// A bare arXiv id (`2203.16427v2`, `hep-th/9901001`) in a value already known to be one.
pub fn bare_arxiv_id(s: &str) -> Option<String> {
    arxiv_id(s).or_else(|| {
        BARE_ARXIV
            .captures(s)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_string())
    })
}

/// Collapses runs of whitespace to one space.
pub fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Replaces links by their text, drops images, and strips emphasis markers around the line,
/// so indexed text has neither URLs nor markup.
pub fn plain(line: &str) -> String {
    let mut s = String::with_capacity(line.len());
    if line.contains("](") {
        let mut last = 0;
        for l in links(line) {
            s.push_str(&line[last..l.span.0]);
            if !l.image {
                s.push_str(l.text);
            }
            last = l.span.1;
        }
        s.push_str(&line[last..]);
    } else {
        s.push_str(line);
    }
    if s.contains("**") {
        s = s.replace("**", "");
    }
    s
}

/// A line that is markup only: HTML tags (`<div id=toc></div>`, `<details>`,
/// `<summary>Details</summary>`), horizontal rules, or images.
pub fn is_markup_only(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    if matches!(t, "<br>" | "<br/>" | "<hr>") {
        return true;
    }
    // Rules and setext underlines (`---`, `***`, `===`).
    if t.len() >= 3
        && t.bytes()
            .all(|b| matches!(b, b'-' | b'*' | b'_' | b'=' | b' '))
    {
        return true;
    }
    if t.starts_with('<') && t.ends_with('>') {
        let mut text = String::new();
        let mut in_tag = false;
        for c in t.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        let text = text.trim();
        return text.is_empty() || (t.starts_with("<summary") && text.chars().count() <= 20);
    }
    if t.starts_with("![") {
        let ls = links(t);
        let covered: usize = ls
            .iter()
            .filter(|l| l.image)
            .map(|l| l.span.1 - l.span.0)
            .sum();
        return covered + 2 >= t.len();
    }
    false
}

/// Strips a list marker (`- `, `* `, `+ `, `> `, `• `, `1. `) from the start of a line.
pub fn strip_list_marker(s: &str) -> &str {
    let t = s.trim_start();
    for m in ["- ", "* ", "+ ", "> ", "• ", "· "] {
        if let Some(r) = t.strip_prefix(m) {
            return r.trim_start();
        }
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && digits < 3 {
        if let Some(r) = t[digits..].strip_prefix(". ") {
            return r.trim_start();
        }
    }
    t
}

/// Whether a character is CJK (for deciding how to treat separators and boundaries).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// A file or folder name as text. Names that are not UTF-8 are most often GBK (Chinese Windows
/// zip archives): they are read as GBK when that decodes without error, and lossily otherwise.
pub fn name_text(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    let bytes = name.as_encoded_bytes();
    match encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => s.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn gbk_names_read_as_gbk() {
        use std::os::unix::ffi::OsStrExt;
        let (gbk, _, _) = encoding_rs::GBK.encode("联邦学习笔记");
        assert_eq!(name_text(std::ffi::OsStr::from_bytes(&gbk)), "联邦学习笔记");
        assert_eq!(name_text(std::ffi::OsStr::new("notes")), "notes");
        assert_eq!(
            name_text(std::ffi::OsStr::from_bytes(b"a\xFF")),
            "a\u{FFFD}"
        );
    }

    #[test]
    fn headings() {
        assert_eq!(heading("### [1] [T](u)"), Some((3, "[1] [T](u)")));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("# "), Some((1, "")));
    }

    #[test]
    fn links_with_brackets_in_text() {
        let l = links("### [2] [Let [VOID] Pad](https://arxiv.org/abs/2605.00001)");
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].text, "Let [VOID] Pad");
        assert_eq!(l[0].url, "https://arxiv.org/abs/2605.00001");
    }

    #[test]
    fn arxiv_ids() {
        assert_eq!(
            arxiv_id("https://arxiv.org/abs/2203.16427v3").as_deref(),
            Some("2203.16427")
        );
        assert_eq!(
            arxiv_id("arXiv:hep-th/9901001").as_deref(),
            Some("hep-th/9901001")
        );
        assert_eq!(
            arxiv_id("https://arxiv.org/pdf/2301.00001.pdf").as_deref(),
            Some("2301.00001")
        );
        assert_eq!(
            bare_arxiv_id("[2409.13222](x)").as_deref(),
            Some("2409.13222")
        );
        assert_eq!(bare_arxiv_id("10.1109/CVPR.2023"), None);
    }

    #[test]
    fn plain_text() {
        assert_eq!(plain("see **[code](http://x)** ![img](a.png)"), "see code ");
        assert!(is_markup_only("<div id='cs.CV'></div>"));
        assert!(is_markup_only("====="));
        assert!(!is_markup_only("--flag"));
        assert!(is_markup_only("  <summary>Details</summary>"));
        assert!(!is_markup_only("<b>Bold</b> text and more words here"));
    }
}
