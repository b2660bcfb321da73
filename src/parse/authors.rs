//! Author lists: `A, B and C`, `张三（某大学），李四（某公司）`, `Ann Lee*, Bo Wu†, et al.`.

/// Removes bracketed asides (affiliations, notes) of any bracket style, nesting included.
fn strip_brackets(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '（' | '[' | '【' | '{' => depth += 1,
            ')' | '）' | ']' | '】' | '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn is_marker(c: char) -> bool {
    matches!(
        c,
        '*' | '†'
            | '‡'
            | '§'
            | '¶'
            | '#'
            | '∗'
            | '✉'
            | '⋆'
            | '♠'
            | '♣'
            | '♦'
            | '♥'
            | '¹'
            | '²'
            | '³'
            | '⁴'
            | '⁵'
            | '⁶'
            | '⁷'
            | '⁸'
            | '⁹'
            | '⁰'
            | '^'
            | '_'
            | '`'
    )
}

const TRAILERS: [&str; 7] = ["et al.", "et al", "etc.", "等人", "等", "...", "…"];

fn clean_name(raw: &str) -> Option<String> {
    let mut s = raw.trim();
    loop {
        let before = s.len();
        for t in TRAILERS {
            if let Some(r) = s.strip_suffix(t) {
                s = r.trim_end();
            }
        }
        s = s.trim_matches(|c: char| is_marker(c) || c.is_whitespace() || c == ':' || c == '：');
        // Affiliation indices written as plain digits: `Zhang San1,2`.
        s = s.trim_end_matches(|c: char| c.is_ascii_digit());
        if s.len() == before {
            break;
        }
    }
    let s = s
        .strip_prefix("by ")
        .or_else(|| s.strip_prefix("By "))
        .unwrap_or(s);
    let name: String = s.chars().filter(|&c| !is_marker(c)).collect();
    let name = crate::parse::text::squash(&name);
    // A long or sentence-like piece is prose that followed the list, not a name.
    if name.is_empty()
        || name.chars().count() > 60
        || name.split_whitespace().count() > 8
        || name.contains('@')
    {
        return None;
    }
    if name.chars().all(|c| !c.is_alphabetic()) {
        return None;
    }
    Some(name)
}

/// Splits an author line into names: separators `,` `，` `、` `;` `；` `|` `and` `&` `和`;
/// affiliations in brackets, emails, footnote markers and `et al.`/`等` dropped.
pub fn split(line: &str) -> Vec<String> {
    let s = strip_brackets(&crate::parse::text::plain(line));
    let mut pieces: Vec<&str> = Vec::new();
    for part in s.split([',', '，', '、', ';', '；', '|', '&', '/']) {
        // ` and ` between names (also `, and `); `和`/`及` only between CJK names.
        let mut rest = part;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(p) = lower.find(" and ") {
                pieces.push(&rest[..p]);
                rest = &rest[p + 5..];
            } else if let Some(r) = lower.strip_prefix("and ") {
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        if rest.chars().count() <= 12
            && rest.chars().any(crate::parse::text::is_cjk)
            && (rest.contains('和') || rest.contains('及'))
        {
            pieces.extend(rest.split(['和', '及']));
        } else {
            pieces.push(rest);
        }
    }
    let mut out: Vec<String> = Vec::new();
    for p in pieces {
        let no_mail: String = p
            .split_whitespace()
            .filter(|w| !w.contains('@'))
            .collect::<Vec<_>>()
            .join(" ");
        // No dedup: two authors may share a name.
        if let Some(n) = clean_name(&no_mail) {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_lists() {
        assert_eq!(
            split("Ann Lee*, Bo Wu†, and Cy Li"),
            vec!["Ann Lee", "Bo Wu", "Cy Li"]
        );
        assert_eq!(split("*A B,C D*"), vec!["A B", "C D"]);
        assert_eq!(
            split("Ann Lee (MIT), Bo Wu (a@b.com) et al."),
            vec!["Ann Lee", "Bo Wu"]
        );
        assert_eq!(split("Zhang San1,2, Li Si2"), vec!["Zhang San", "Li Si"]);
        assert_eq!(
            split("Ann Lee ann@mit.edu, Bo Wu"),
            vec!["Ann Lee", "Bo Wu"]
        );
    }

    #[test]
    fn chinese_lists() {
        assert_eq!(
            split("张三（某大学），李四（某公司）、王五 等"),
            vec!["张三", "李四", "王五"]
        );
        assert_eq!(split("张三和李四"), vec!["张三", "李四"]);
        assert_eq!(
            split("Yuwen Pu, Yue Zheng, Shiji Zhao 等"),
            vec!["Yuwen Pu", "Yue Zheng", "Shiji Zhao"]
        );
    }
}
