//! Synthetic damage: break clean text the way real tools did, to measure the repair.
//!
//! Used by the decode tests and by search tests elsewhere (a damaged copy must find the same
//! papers as the clean one). Each [`Damage`] says which chain and whether bytes were lost.

use encoding_rs::{
    Encoding, BIG5, GBK, SHIFT_JIS, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1254,
};

use super::chains::{Chain, Dbcs, BIG5_T, GBK_T};

/// One way to break a text: a chain, and whether the lossy variant of §"What real folders contain"
/// applies (dropped undefined bytes and soft hyphens, `?` for lost bytes, UTF-8-first readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damage {
    /// The chain to apply.
    pub chain: Chain,
    /// Drop/lose bytes the way real tools did.
    pub lossy: bool,
}

impl Damage {
    /// A readable label such as `utf8>cp1252` or `utf8>cp1254 (lossy)`.
    pub fn label(&self) -> String {
        if self.lossy {
            format!("{} (lossy)", self.chain.name())
        } else {
            self.chain.name().to_string()
        }
    }
}

/// Breaks `text` with `chain`'s lossless variant and returns the mojibake saved as UTF-8.
/// `seed` varies incidental choices (whether YAML front matter stays clean).
pub fn corrupt(text: &str, chain: Chain, seed: u64) -> Vec<u8> {
    corrupt_with(
        text,
        Damage {
            chain,
            lossy: false,
        },
        seed,
    )
}

/// Breaks `text` as `damage` says and returns the mojibake saved as UTF-8.
/// When `seed % 3 == 0` a leading `---` front matter block stays clean (partly broken files).
pub fn corrupt_with(text: &str, damage: Damage, seed: u64) -> Vec<u8> {
    let (keep, rest) = if seed.is_multiple_of(3) {
        split_front_matter(text)
    } else {
        ("", text)
    };
    let mut out = keep.as_bytes().to_vec();
    out.extend_from_slice(break_text(rest, damage).as_bytes());
    out
}

/// The best any repair can do: `text` with characters the chain's legacy encoding cannot hold
/// replaced by `?` (only the GBK/Big5-as-Latin-1 chains lose such characters).
pub fn representable(text: &str, chain: Chain) -> String {
    match chain {
        Chain::GbkLatin1 => text
            .chars()
            .map(|c| if encodable(&GBK_T, c) { c } else { '?' })
            .collect(),
        Chain::Big5Latin1 => text
            .chars()
            .map(|c| if encodable(&BIG5_T, c) { c } else { '?' })
            .collect(),
        _ => text.to_string(),
    }
}

fn encodable(t: &Dbcs, c: char) -> bool {
    c.is_ascii() || t.encode.contains_key(&(c as u32))
}

fn split_front_matter(text: &str) -> (&str, &str) {
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            let cut = 4 + end + 5;
            return (&text[..cut], &text[cut..]);
        }
    }
    ("", text)
}

/// Bytes each lossy single-byte chain drops.
fn dropped(chain: Chain) -> &'static [u8] {
    match chain {
        Chain::Utf8Cp1252 => &[0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD],
        Chain::Utf8Cp1254 => &[0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E, 0xAD],
        Chain::Utf8Latin1 => &[
            0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D,
            0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B,
            0x9C, 0x9D, 0x9E, 0x9F, 0xAD,
        ],
        Chain::Utf8Cp1250 => &[0x81, 0x83, 0x88, 0x90, 0x98, 0xAD],
        Chain::Utf8Cp1251 => &[0x98, 0xAD],
        _ => &[0xAD],
    }
}

fn single_byte(bytes: &[u8], enc: Option<&'static Encoding>, drop: &[u8]) -> String {
    let kept: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !drop.contains(b))
        .collect();
    match enc {
        Some(e) => e.decode_without_bom_handling(&kept).0.into_owned(),
        None => kept.iter().map(|&b| char::from(b)).collect(),
    }
}

fn break_text(text: &str, d: Damage) -> String {
    let utf8 = text.as_bytes();
    let drop: &[u8] = if d.lossy { dropped(d.chain) } else { &[] };
    match d.chain {
        Chain::Utf8Cp1252 => single_byte(utf8, Some(WINDOWS_1252), drop),
        Chain::Utf8Latin1 => single_byte(utf8, None, drop),
        Chain::Utf8Cp1254 => single_byte(utf8, Some(WINDOWS_1254), drop),
        Chain::Utf8Cp1250 => single_byte(utf8, Some(WINDOWS_1250), drop),
        Chain::Utf8Cp1251 => single_byte(utf8, Some(WINDOWS_1251), drop),
        Chain::Utf8Latin1Utf8Gbk => {
            let latin = single_byte(utf8, None, drop);
            GBK.decode_without_bom_handling(latin.as_bytes())
                .0
                .into_owned()
        }
        Chain::Utf8Gbk | Chain::Utf8Big5 | Chain::Utf8ShiftJis => {
            let enc = match d.chain {
                Chain::Utf8Gbk => GBK,
                Chain::Utf8Big5 => BIG5,
                _ => SHIFT_JIS,
            };
            let s = enc.decode_without_bom_handling(utf8).0.into_owned();
            if d.lossy {
                s.replace('\u{FFFD}', "?")
            } else {
                s
            }
        }
        Chain::GbkLatin1 | Chain::Big5Latin1 => {
            let t: &Dbcs = if d.chain == Chain::GbkLatin1 {
                &GBK_T
            } else {
                &BIG5_T
            };
            let mut bytes = Vec::with_capacity(utf8.len());
            for c in text.chars() {
                match t.encode.get(&(c as u32)) {
                    _ if c.is_ascii() => bytes.push(c as u8),
                    Some(b) if b[1] == 0 => bytes.push(b[0]),
                    Some(b) => bytes.extend_from_slice(b),
                    None => bytes.push(b'?'),
                }
            }
            if d.lossy {
                utf8_first(&bytes)
                    .chars()
                    .filter(|&c| c != '\u{AD}')
                    .collect()
            } else {
                bytes.iter().map(|&b| char::from(b)).collect()
            }
        }
    }
}

/// A "UTF-8 first, Latin-1 fallback" reader: valid UTF-8 sequences decode, other bytes are Latin-1.
fn utf8_first(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let n = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 1,
        };
        if n > 1 && i + n <= bytes.len() {
            if let Ok(s) = std::str::from_utf8(&bytes[i..i + n]) {
                out.push_str(s);
                i += n;
                continue;
            }
        }
        out.push(char::from(b));
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_the_design_examples() {
        let s = |b: Vec<u8>| String::from_utf8(b).unwrap_or_default();
        assert_eq!(s(corrupt("图片", Chain::Utf8Gbk, 1)), "鍥剧墖");
        assert_eq!(
            s(corrupt("美团", Chain::Utf8Latin1Utf8Gbk, 1)),
            "莽戮聨氓聸垄"
        );
        assert_eq!(
            s(corrupt("哈哈，论文解读", Chain::GbkLatin1, 1)),
            "¹þ¹þ£¬ÂÛÎÄ½â¶Á"
        );
        let lossy = Damage {
            chain: Chain::Utf8Cp1252,
            lossy: true,
        };
        assert_eq!(s(corrupt_with("联邦学习", lossy, 1)), "è”é‚¦å¦ä¹\u{a0}");
        let gbk_lossy = Damage {
            chain: Chain::GbkLatin1,
            lossy: true,
        };
        assert_eq!(
            s(corrupt_with("已经被普遍研究", gbk_lossy, 1)),
            "ÒѾ±»ÆձéÑо¿"
        );
    }
}
