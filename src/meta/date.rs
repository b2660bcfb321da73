//! Dates and years: page dates from front matter or file names, years from arXiv ids.

/// The first `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYY年M月D日`) in `s`, as `YYYY-MM-DD`.
pub fn find_date(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 8 <= b.len() {
        if b[i..i + 4].iter().all(u8::is_ascii_digit) && (i == 0 || !b[i - 1].is_ascii_digit()) {
            if let Some(d) = date_at(s, i) {
                return Some(d);
            }
        }
        i += 1;
    }
    None
}

fn date_at(s: &str, i: usize) -> Option<String> {
    let year: u16 = s.get(i..i + 4)?.parse().ok()?;
    if !(1980..=2039).contains(&year) {
        return None;
    }
    let rest = s.get(i + 4..)?;
    let (sep_len, sep) = match rest.chars().next()? {
        c @ ('-' | '/' | '.' | '年') => (c.len_utf8(), c),
        _ => return None,
    };
    let rest = &rest[sep_len..];
    let m_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&m_len) {
        return None;
    }
    let month: u8 = rest[..m_len].parse().ok()?;
    let rest = &rest[m_len..];
    let sep2 = if sep == '年' { '月' } else { sep };
    let rest = rest.strip_prefix(sep2)?;
    let d_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&d_len) {
        return None;
    }
    let day: u8 = rest[..d_len].parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The year of a `YYYY-MM-DD` date.
pub fn year_of_date(date: &str) -> Option<u16> {
    date.get(..4)?.parse().ok()
}

/// The year an arXiv id was submitted: `2203.16427` → 2022, `hep-th/9901001` → 1999.
pub fn year_of_arxiv(id: &str) -> Option<u16> {
    let digits = id.rsplit('/').next()?;
    let yy: u16 = digits.get(..2)?.parse().ok()?;
    Some(if yy >= 91 { 1900 + yy } else { 2000 + yy })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            find_date("daily/2026-06-01.md").as_deref(),
            Some("2026-06-01")
        );
        assert_eq!(
            find_date("发布于2023年6月9日").as_deref(),
            Some("2023-06-09")
        );
        assert_eq!(find_date("v12345-67-89"), None);
        assert_eq!(find_date("2023"), None);
    }

    #[test]
    fn arxiv_years() {
        assert_eq!(year_of_arxiv("2203.16427"), Some(2022));
        assert_eq!(year_of_arxiv("hep-th/9901001"), Some(1999));
        assert_eq!(year_of_arxiv("0704.0001"), Some(2007));
    }
}
