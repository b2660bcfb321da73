//! Raw-bytes stage (design §4.5): which encoding the file's bytes are in.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    Encoding, BIG5, EUC_JP, EUC_KR, GBK, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252,
};
use serde::{Deserialize, Serialize};

use super::cost::{cost, is_han, text_cost};
use super::tables::TABLES;

/// How the raw bytes were turned into text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RawReport {
    /// Encoding name as encoding_rs spells it (`UTF-8`, `GBK`, `UTF-16LE`…).
    pub encoding: String,
    /// `bom`, `nul`, `utf8`, `utf16-scored` or `scored`.
    pub method: String,
    /// chardetng's guess, when it was asked (on the file's head alone when the head settles the
    /// encoding).
    pub chardetng: Option<String>,
    /// True when chardetng's guess did not depend on the top-level domain hint.
    pub chardetng_sure: Option<bool>,
    /// Top-level domain taken from the front matter `url:` and passed to chardetng.
    pub tld: Option<String>,
    /// Malformed sequences replaced by U+FFFD while decoding.
    pub decode_errors: usize,
}

/// Bytes scored per candidate encoding (a prefix is enough to tell encodings apart).
const SCORE_PREFIX: usize = 16 * 1024;
/// Bytes of the quick first round (cut back to a line end).
const QUICK_PREFIX: usize = 2048;
/// Non-ASCII bytes the quick round needs before it may decide.
const QUICK_MIN_NON_ASCII: usize = 256;
/// Lead per non-ASCII byte over the next candidate at which the quick round decides: the text
/// alone must lead by 0.5 more than chardetng's bonus could move on the whole file (GBK and
/// Big5 notes lead by 1.0–2.8 after 2 KB, bonus included).
const QUICK_LEAD: f32 = 0.5 + GUESS_BONUS;

/// Decodes raw bytes to text and says how (design §4.5).
pub(crate) fn decode_raw(bytes: &[u8]) -> (String, RawReport) {
    let mut rep = RawReport::default();
    let (enc, body): (&'static Encoding, &[u8]) = if let Some((enc, len)) = Encoding::for_bom(bytes)
    {
        rep.method = "bom".into();
        (enc, &bytes[len..])
    } else if let Some(enc) = nul_pattern(bytes).filter(|_| !stray_nul(bytes)) {
        rep.method = "nul".into();
        (enc, bytes)
    } else if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        rep.method = "utf8".into();
        rep.encoding = UTF_8.name().into();
        return (s.to_string(), rep);
    } else {
        (detect_legacy(bytes, &mut rep), bytes)
    };
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    rep.encoding = enc.name().into();
    rep.decode_errors = if had_errors {
        text.matches('\u{FFFD}').count()
    } else {
        0
    };
    (text.into_owned(), rep)
}

/// The encoding of bytes that are neither UTF-8 nor marked UTF-16: chardetng's guess and the
/// candidates' text costs (design §4.5), noting in `rep` how it was decided.
fn detect_legacy(bytes: &[u8], rep: &mut RawReport) -> &'static Encoding {
    let tld = tld_hint(bytes);
    let hint = tld.as_deref().map(str::as_bytes);
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    // chardetng costs more than all the rest of the decision (about 1,700 instructions a byte):
    // a quick round on the file's head decides most files, and only the others pay for the
    // whole file.
    let quick = prefix_at_line(bytes, QUICK_PREFIX);
    let whole = quick.len() == bytes.len();
    det.feed(quick, whole);
    let mut decided = None;
    let non_ascii = quick.iter().filter(|b| !b.is_ascii()).count();
    if !whole && non_ascii >= QUICK_MIN_NON_ASCII {
        let ranked = score_candidates(quick, non_ascii, det.guess(hint, Utf8Detection::Allow));
        let lead = match ranked.as_slice() {
            [a, b, ..] => (b.0 - a.0) / non_ascii as f32,
            _ => f32::INFINITY,
        };
        if lead >= QUICK_LEAD {
            decided = ranked.first().map(|r| r.1);
        }
    }
    if decided.is_none() && !whole {
        det.feed(&bytes[quick.len()..], true);
    }
    let g = det.guess(hint, Utf8Detection::Allow);
    rep.chardetng = Some(g.name().into());
    rep.chardetng_sure = Some(
        det.guess(Some(b"com"), Utf8Detection::Allow) == g
            && det.guess(Some(b"cn"), Utf8Detection::Allow) == g
            && det.guess(Some(b"tw"), Utf8Detection::Allow) == g,
    );
    rep.tld = tld;
    if let Some(enc) = utf16_scored(bytes) {
        rep.method = "utf16-scored".into();
        return enc;
    }
    rep.method = "scored".into();
    decided.unwrap_or_else(|| {
        let sample = prefix_at_line(bytes, SCORE_PREFIX);
        let non_ascii = sample.iter().filter(|b| !b.is_ascii()).count();
        let ranked = score_candidates(sample, non_ascii, g);
        ranked.first().map_or(g, |r| r.1)
    })
}

/// UTF-16 without BOM, recognised by NUL bytes on one parity only. An odd length (a file cut
/// inside its last code unit) does not rule it out: the pattern is just as clear.
fn nul_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let half = (bytes.len() / 2) as f64;
    let (e, o) = (even as f64 / half, odd as f64 / half);
    if e >= 0.05 && o <= 0.01 {
        Some(UTF_16BE)
    } else if o >= 0.05 && e <= 0.01 {
        Some(UTF_16LE)
    } else {
        None
    }
}

/// True for valid UTF-8 with one or two NUL bytes: a stray NUL in a short text, not the NULs of
/// UTF-16 (which has one per ASCII character).
fn stray_nul(bytes: &[u8]) -> bool {
    bytes.iter().filter(|&&b| b == 0).count() <= 2 && std::str::from_utf8(bytes).is_ok()
}

/// Share of characters that are common Han, CJK punctuation or ASCII.
fn common_share(text: &str) -> f64 {
    let t = &*TABLES;
    let (mut n, mut ok) = (0usize, 0usize);
    for c in text.chars() {
        n += 1;
        let u = c as u32;
        let good = (c.is_ascii() && !c.is_ascii_control() || matches!(c, '\n' | '\r' | '\t'))
            || (0x3000..=0x303F).contains(&u)
            || (0xFF01..=0xFF5E).contains(&u)
            || (is_han(c) && cost(t, c) < 6.0);
        ok += usize::from(good);
    }
    if n == 0 {
        0.0
    } else {
        ok as f64 / n as f64
    }
}

/// Bytes of the head `utf16_scored` looks at first.
const UTF16_HEAD: usize = 1024;
/// Share of common characters the head needs in one byte order (the whole sample needs 0.95).
const UTF16_HEAD_SHARE: f64 = 0.8;

/// UTF-16 without BOM and without ASCII (so without NULs): mostly common Han in one byte order.
fn utf16_scored(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 16 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    // Most files are not UTF-16: a look at the head rules them out before the full test.
    if ![UTF_16LE, UTF_16BE].into_iter().any(|enc| {
        let (text, _) = enc.decode_without_bom_handling(utf16_prefix(bytes, UTF16_HEAD, enc));
        common_share(&text) >= UTF16_HEAD_SHARE
    }) {
        return None;
    }
    let (gbk_text, gbk_err) =
        GBK.decode_without_bom_handling(&bytes[..bytes.len().min(SCORE_PREFIX)]);
    let gbk_share = common_share(&gbk_text);
    for enc in [UTF_16LE, UTF_16BE] {
        let (text, err) = enc.decode_without_bom_handling(utf16_prefix(bytes, SCORE_PREFIX, enc));
        if err {
            continue;
        }
        let share = common_share(&text);
        if share >= 0.95 && (gbk_err || gbk_share + 0.2 < share) {
            return Some(enc);
        }
    }
    None
}

/// The first `max` bytes of even-length `bytes` as UTF-16 in `enc`'s byte order, not cut inside
/// a surrogate pair (an emoji across the cut would read as an error).
fn utf16_prefix<'a>(bytes: &'a [u8], max: usize, enc: &'static Encoding) -> &'a [u8] {
    let mut end = bytes.len().min(max) & !1;
    if end < bytes.len() && end >= 2 {
        let (a, b) = (bytes[end - 2], bytes[end - 1]);
        let unit = if enc == UTF_16BE {
            u16::from_be_bytes([a, b])
        } else {
            u16::from_le_bytes([a, b])
        };
        if (0xD800..0xDC00).contains(&unit) {
            end -= 2;
        }
    }
    &bytes[..end]
}

/// The first `max` bytes of `bytes`, cut back to a line end when that is possible (not inside
/// a multi-byte character).
fn prefix_at_line(bytes: &[u8], max: usize) -> &[u8] {
    let mut end = bytes.len().min(max);
    if end < bytes.len() {
        if let Some(p) = memchr::memrchr(b'\n', &bytes[..end]) {
            end = p + 1;
        }
    }
    &bytes[..end]
}

/// Scores the candidate legacy encodings by the text cost of what `sample` (with `non_ascii`
/// bytes ≥ 0x80) decodes to; `g` is chardetng's guess. Returns (cost, encoding), cheapest first.
///
/// Costs are totals, not per byte: ASCII reads the same in every candidate, so only the
/// non-ASCII bytes tell them apart, and chardetng's bonus is per non-ASCII byte (per byte, it
/// outweighed the text itself in a mostly-ASCII snippet: 論文解讀 in a front matter went to
/// EUC-JP).
fn score_candidates(
    sample: &[u8],
    non_ascii: usize,
    g: &'static Encoding,
) -> Vec<(f32, &'static Encoding)> {
    let n = sample.len().max(1) as f32;
    let mut cands = vec![g];
    for e in [GBK, BIG5, SHIFT_JIS, EUC_KR, EUC_JP, WINDOWS_1252] {
        if !cands.contains(&e) {
            cands.push(e);
        }
    }
    // Error counts first (cheap): a candidate with far more errors than the best cannot win, so
    // only the others pay for a text cost.
    let decoded: Vec<(&'static Encoding, String, usize)> = cands
        .into_iter()
        .map(|enc| {
            let text = enc.decode_without_bom_handling(sample).0.into_owned();
            let bad = memchr::memmem::find_iter(text.as_bytes(), "\u{FFFD}".as_bytes()).count();
            (enc, text, bad)
        })
        .collect();
    let min_bad = decoded.iter().map(|d| d.2).min().unwrap_or(0);
    let mut scored: Vec<(f32, &'static Encoding)> = decoded
        .into_iter()
        .filter(|d| d.2 as f32 <= min_bad as f32 + 0.02 * n + 2.0)
        .map(|(enc, text, bad)| {
            let clean: String = text.chars().filter(|&c| c != '\u{FFFD}').collect();
            let mut score = text_cost(&TABLES, &clean) + 10.0 * bad as f32;
            if enc == g {
                score -= GUESS_BONUS * non_ascii as f32;
            }
            (score, enc)
        })
        .collect();
    // Stable: on a tie the earlier candidate (chardetng's guess first) wins.
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored
}

/// Cost bonus per non-ASCII byte for chardetng's guess.
const GUESS_BONUS: f32 = 0.3;

/// Top-level domain of the front matter's `url:` (first 2 KB), lower-case ASCII letters only.
fn tld_hint(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(2048)];
    for line in head.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        let Some(rest) = line.strip_prefix(b"url:") else {
            continue;
        };
        let rest = rest.trim_ascii();
        let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
        let after = match memchr::memmem::find(rest, b"://") {
            Some(p) => &rest[p + 3..],
            None => rest,
        };
        let host_end = after
            .iter()
            .position(|&b| matches!(b, b'/' | b':' | b'?' | b'#' | b'"' | b' '))
            .unwrap_or(after.len());
        let host = &after[..host_end];
        let label = host.rsplit(|&b| b == b'.').next()?;
        if label.is_empty()
            || !label
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            return None;
        }
        return Some(String::from_utf8_lossy(label).to_ascii_lowercase());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tld_from_front_matter() {
        assert_eq!(
            tld_hint(b"---\nurl: https://www.example.com.tw/a/b\n---\n").as_deref(),
            Some("tw")
        );
        assert_eq!(tld_hint(b"# no url\n"), None);
    }

    #[test]
    fn nul_pattern_detects_utf16() {
        assert_eq!(nul_pattern(&[b'a', 0, b'b', 0]), Some(UTF_16LE));
        assert_eq!(nul_pattern(&[0, b'a', 0, b'b']), Some(UTF_16BE));
        assert_eq!(nul_pattern(b"abcd"), None);
        // A file cut inside its last code unit.
        assert_eq!(nul_pattern(&[b'a', 0, b'b', 0, b'c']), Some(UTF_16LE));
    }

    #[test]
    fn utf16_without_bom_survives_an_emoji_across_the_sampled_head() {
        for at in [UTF16_HEAD / 2 - 2, UTF16_HEAD / 2 - 1] {
            let mut text: String = "联邦学习的论文综述".chars().cycle().take(at).collect();
            text.push('😀');
            text.push_str(&"联邦学习的论文综述".repeat(40));
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let (got, rep) = decode_raw(&le);
            assert_eq!(rep.encoding, "UTF-16LE", "emoji at unit {at}");
            assert_eq!(got, text);
        }
    }

    #[test]
    fn stray_nul_is_utf8() {
        let (text, rep) = decode_raw(b"ab\0cdefgh");
        assert_eq!(rep.encoding, "UTF-8");
        assert_eq!(text, "ab\0cdefgh");
        let utf16: Vec<u8> = "hello, world"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode_raw(&utf16).1.encoding, "UTF-16LE");
        let (text, rep) = decode_raw(&utf16[..utf16.len() - 1]);
        assert_eq!(rep.encoding, "UTF-16LE");
        assert!(text.starts_with("hello, worl"));
    }
}
