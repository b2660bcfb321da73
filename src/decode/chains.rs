//! Mojibake chains (design §4.3): how a character of broken text maps back to the bytes it came
//! from, and the decoder that turns those bytes into what the author wrote.

use encoding_rs::{
    Encoding, BIG5, GBK, SHIFT_JIS, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1254,
};
use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};

use super::tables::IntMap;

/// A way text was broken: the original encoding, and the wrong encoding it was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Chain {
    /// UTF-8 read as windows-1252.
    Utf8Cp1252,
    /// UTF-8 read as ISO-8859-1 (C1 controls kept).
    Utf8Latin1,
    /// UTF-8 read as windows-1254 (Turkish).
    Utf8Cp1254,
    /// UTF-8 read as windows-1250 (Central European).
    Utf8Cp1250,
    /// UTF-8 read as windows-1251 (Cyrillic).
    Utf8Cp1251,
    /// UTF-8 read as Latin-1, saved as UTF-8, read as GBK (`莽戮聨` for 美).
    Utf8Latin1Utf8Gbk,
    /// UTF-8 read as GBK (`鍥剧墖` for 图片).
    Utf8Gbk,
    /// UTF-8 read as Big5.
    Utf8Big5,
    /// UTF-8 read as Shift_JIS.
    Utf8ShiftJis,
    /// GBK read as Latin-1 (`¹þ¹þ` for 哈哈), including "UTF-8 first" readers.
    GbkLatin1,
    /// Big5 read as Latin-1.
    Big5Latin1,
}

impl Chain {
    /// Every chain, in the order they are tried.
    pub const ALL: [Chain; 11] = [
        Chain::Utf8Cp1252,
        Chain::Utf8Latin1,
        Chain::Utf8Cp1254,
        Chain::Utf8Cp1250,
        Chain::Utf8Cp1251,
        Chain::Utf8Latin1Utf8Gbk,
        Chain::Utf8Gbk,
        Chain::Utf8Big5,
        Chain::Utf8ShiftJis,
        Chain::GbkLatin1,
        Chain::Big5Latin1,
    ];

    /// The design's name for the chain (`utf8>cp1252`…), used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Chain::Utf8Cp1252 => "utf8>cp1252",
            Chain::Utf8Latin1 => "utf8>latin-1",
            Chain::Utf8Cp1254 => "utf8>cp1254",
            Chain::Utf8Cp1250 => "utf8>cp1250",
            Chain::Utf8Cp1251 => "utf8>cp1251",
            Chain::Utf8Latin1Utf8Gbk => "utf8>latin1>utf8>gbk",
            Chain::Utf8Gbk => "utf8>gbk",
            Chain::Utf8Big5 => "utf8>big5",
            Chain::Utf8ShiftJis => "utf8>shift_jis",
            Chain::GbkLatin1 => "gbk>latin1",
            Chain::Big5Latin1 => "big5>latin1",
        }
    }

    /// Looks a chain up by its design name.
    pub fn from_name(name: &str) -> Option<Chain> {
        Chain::ALL.into_iter().find(|c| c.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The chain's tables, built on first use.
    pub(crate) fn data(self) -> &'static ChainData {
        &CHAIN_DATA[self.index()]
    }
}

/// One way a character may have come from bytes: up to 4 bytes and an extra cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Alt {
    /// The bytes, `len` of them.
    pub bytes: [u8; 4],
    /// How many of `bytes` are used.
    pub len: u8,
    /// Extra cost of this alternative (ALT for second readings).
    pub cost: f32,
}

impl Alt {
    fn new(bytes: &[u8], cost: f32) -> Alt {
        let mut b = [0u8; 4];
        b[..bytes.len()].copy_from_slice(bytes);
        Alt {
            bytes: b,
            len: bytes.len() as u8,
            cost,
        }
    }

    /// The bytes as a slice.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

/// Extra cost of the second reading of a Latin-1 character in the GBK/Big5-as-Latin-1 chains.
const ALT: f32 = 2.0;

/// A legacy double-byte decoder as a lookup table (design §4.3, DBCS step).
pub(crate) struct Dbcs {
    /// `[lead << 8 | trail]` → char as u32, 0 when invalid.
    pair: Vec<u32>,
    /// Single-byte characters ≥ 0x80 (0 when none).
    single: [u32; 256],
    /// Bytes that start a pair.
    lead: [bool; 256],
    /// Reverse map for the UTF-8-as-DBCS chains: char → bytes.
    pub encode: IntMap<u32, [u8; 2]>,
}

impl Dbcs {
    fn build(enc: &'static Encoding, lead: impl Fn(u8) -> bool) -> Dbcs {
        let mut pair = vec![0u32; 65536];
        let mut encode = IntMap::default();
        let mut single = [0u32; 256];
        let mut is_lead = [false; 256];
        for b in 0x80..=0xFFu8 {
            is_lead[b as usize] = lead(b);
            if !is_lead[b as usize] {
                if let Some(c) = decode_one(enc, &[b]) {
                    single[b as usize] = c as u32;
                    encode.entry(c as u32).or_insert([b, 0]);
                }
            }
        }
        for l in 0x81..=0xFEu8 {
            if !is_lead[l as usize] {
                continue;
            }
            for t in 0x40..=0xFEu8 {
                if let Some(c) = decode_one(enc, &[l, t]) {
                    pair[(usize::from(l) << 8) | usize::from(t)] = c as u32;
                    encode.entry(c as u32).or_insert([l, t]);
                }
            }
        }
        Dbcs {
            pair,
            single,
            lead: is_lead,
            encode,
        }
    }

    /// The character of a valid pair.
    #[inline]
    pub fn pair(&self, lead: u8, trail: u8) -> Option<char> {
        char::from_u32(self.pair[(usize::from(lead) << 8) | usize::from(trail)])
            .filter(|&c| c != '\0')
    }

    /// The character of a single byte ≥ 0x80 that is not a lead.
    #[inline]
    pub fn single(&self, b: u8) -> Option<char> {
        char::from_u32(self.single[b as usize]).filter(|&c| c != '\0')
    }

    /// True when `b` starts a two-byte sequence.
    #[inline]
    pub fn is_lead(&self, b: u8) -> bool {
        self.lead[b as usize]
    }
}

/// Decodes bytes that must form exactly one character, strictly.
fn decode_one(enc: &'static Encoding, bytes: &[u8]) -> Option<char> {
    let mut dec = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(8);
    let (res, _) = dec.decode_to_string_without_replacement(bytes, &mut out, true);
    if !matches!(res, encoding_rs::DecoderResult::InputEmpty) {
        return None;
    }
    let mut cs = out.chars();
    let c = cs.next()?;
    cs.next().is_none().then_some(c)
}

/// GBK as a table (WHATWG gb18030 two-byte part).
pub(crate) static GBK_T: Lazy<Dbcs> =
    Lazy::new(|| Dbcs::build(GBK, |b| (0x81..=0xFE).contains(&b)));
/// Big5 as a table (WHATWG Big5, with HKSCS).
pub(crate) static BIG5_T: Lazy<Dbcs> =
    Lazy::new(|| Dbcs::build(BIG5, |b| (0x81..=0xFE).contains(&b)));
/// Shift_JIS as a table.
pub(crate) static SJIS_T: Lazy<Dbcs> =
    Lazy::new(|| Dbcs::build(SHIFT_JIS, |b| matches!(b, 0x81..=0x9F | 0xE0..=0xFC)));

/// The decoder that turns recovered bytes into text.
#[derive(Clone, Copy)]
pub(crate) enum Decoder {
    /// UTF-8.
    Utf8,
    /// A double-byte legacy encoding.
    Dbcs(&'static Dbcs),
}

/// Everything the Viterbi needs to know about one chain.
pub(crate) struct ChainData {
    /// Which chain this is.
    pub chain: Chain,
    /// Alternatives for characters ≥ 0x80 (ASCII maps to itself in every chain).
    alts: IntMap<u32, [Option<Alt>; 2]>,
    /// The decoder of the original encoding.
    pub decoder: Decoder,
    /// Bytes that tools dropped on the way (restorable by insertion).
    pub drop: Vec<u8>,
    /// The DBCS whose U+FFFD and `?` stand for one lost byte (UTF-8-as-DBCS chains).
    pub wildcard: Option<&'static Dbcs>,
    /// The legacy encoding is GBK, whose common part (GB2312) never uses ASCII trail bytes.
    pub ascii_trail_rare: bool,
    /// Legacy bytes were read by a "UTF-8 first" reader: any character may stand for its UTF-8 bytes.
    utf8_first: bool,
}

impl ChainData {
    /// The alternatives of `c`; empty when `c` is not in the chain's alphabet.
    #[inline]
    pub fn alts(&self, c: char) -> impl Iterator<Item = Alt> + '_ {
        let ascii = (c.is_ascii()).then(|| Alt::new(&[c as u8], 0.0));
        let rest = if c.is_ascii() {
            None
        } else {
            self.alts.get(&(c as u32))
        };
        let wide = (rest.is_none() && self.utf8_first && c as u32 >= 0x800).then(|| {
            let mut b = [0u8; 4];
            Alt::new(c.encode_utf8(&mut b).as_bytes(), 0.0)
        });
        ascii
            .into_iter()
            .chain(rest.into_iter().flat_map(|a| a.iter().flatten().copied()))
            .chain(wide)
    }

    /// True when `c` counts for the chain gate: UTF-8-first readings of CJK characters do not,
    /// or every Chinese line would look like GBK-as-Latin-1 mojibake.
    #[inline]
    pub fn in_gate_alphabet(&self, c: char) -> bool {
        c.is_ascii() || self.alts.contains_key(&(c as u32))
    }

    /// True when the chain can re-decode `c`: its alphabet, and for a "UTF-8 first" reader also
    /// any character of three or more UTF-8 bytes (`仰` is such a reader's view of GBK pairs).
    #[inline]
    pub fn explains(&self, c: char) -> bool {
        self.first(c).is_some()
    }

    /// The first alternative's bytes (the strict transform of the chain gate).
    #[inline]
    pub fn first(&self, c: char) -> Option<Alt> {
        self.alts(c).next()
    }
}

fn single_byte_inverse(enc: &'static Encoding) -> IntMap<u32, [Option<Alt>; 2]> {
    let mut m = IntMap::default();
    for b in 0x80..=0xFFu8 {
        if let Some(c) = decode_one(enc, &[b]) {
            m.insert(c as u32, [Some(Alt::new(&[b], 0.0)), None]);
        }
    }
    m
}

/// Bytes a single-byte codec maps to C1 controls (undefined there), plus the soft hyphen.
fn undefined_bytes(enc: &'static Encoding) -> Vec<u8> {
    let mut v: Vec<u8> = (0x80..=0xFFu8)
        .filter(|&b| decode_one(enc, &[b]).is_none_or(|c| (0x80..=0x9F).contains(&(c as u32))))
        .collect();
    if !v.contains(&0xAD) {
        v.push(0xAD);
    }
    v
}

/// Alternatives of the GBK/Big5-as-Latin-1 chains (the byte, or the UTF-8 bytes a UTF-8-first reader saw).
fn latin1_then() -> IntMap<u32, [Option<Alt>; 2]> {
    let mut m = IntMap::default();
    for u in 0x80..=0xFFu32 {
        let c = char::from_u32(u).unwrap_or('\u{FFFD}');
        let mut utf8 = [0u8; 4];
        let s = c.encode_utf8(&mut utf8);
        m.insert(
            u,
            [
                Some(Alt::new(&[u as u8], 0.0)),
                Some(Alt::new(s.as_bytes(), ALT)),
            ],
        );
    }
    for b in 0x80..=0x9Fu8 {
        if let Some(c) = decode_one(WINDOWS_1252, &[b]) {
            if (c as u32) > 0xFF {
                m.insert(c as u32, [Some(Alt::new(&[b], 0.0)), None]);
            }
        }
    }
    // "UTF-8 first" readers: two-byte UTF-8 sequences among the legacy bytes.
    for u in 0x100..=0x7FFu32 {
        if let Some(c) = char::from_u32(u) {
            let mut utf8 = [0u8; 4];
            let s = c.encode_utf8(&mut utf8);
            m.entry(u)
                .or_insert([Some(Alt::new(s.as_bytes(), 0.0)), None]);
        }
    }
    m
}

fn dbcs_inverse(t: &Dbcs) -> IntMap<u32, [Option<Alt>; 2]> {
    t.encode
        .iter()
        .filter(|(&c, _)| c >= 0x80)
        .map(|(&c, b)| {
            let bytes: &[u8] = if b[1] == 0 { &b[..1] } else { &b[..] };
            (c, [Some(Alt::new(bytes, 0.0)), None])
        })
        .collect()
}

fn build(chain: Chain) -> ChainData {
    let (alts, decoder, drop, wildcard) = match chain {
        Chain::Utf8Cp1252 => (
            single_byte_inverse(WINDOWS_1252),
            Decoder::Utf8,
            vec![0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD],
            None,
        ),
        Chain::Utf8Latin1 => {
            let m = (0x80..=0xFFu32)
                .map(|u| (u, [Some(Alt::new(&[u as u8], 0.0)), None]))
                .collect();
            let mut d: Vec<u8> = (0x80..=0x9F).collect();
            d.push(0xAD);
            (m, Decoder::Utf8, d, None)
        }
        Chain::Utf8Cp1254 => (
            single_byte_inverse(WINDOWS_1254),
            Decoder::Utf8,
            vec![0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E, 0xAD],
            None,
        ),
        Chain::Utf8Cp1250 => (
            single_byte_inverse(WINDOWS_1250),
            Decoder::Utf8,
            undefined_bytes(WINDOWS_1250),
            None,
        ),
        Chain::Utf8Cp1251 => (
            single_byte_inverse(WINDOWS_1251),
            Decoder::Utf8,
            undefined_bytes(WINDOWS_1251),
            None,
        ),
        Chain::Utf8Latin1Utf8Gbk => {
            let mut m = IntMap::default();
            for b in 0x80..=0xFFu8 {
                let c = char::from_u32(u32::from(b)).unwrap_or('\u{FFFD}');
                let mut utf8 = [0u8; 4];
                if let Some(g) = decode_one(GBK, c.encode_utf8(&mut utf8).as_bytes()) {
                    m.insert(g as u32, [Some(Alt::new(&[b], 0.0)), None]);
                }
            }
            (m, Decoder::Utf8, vec![0xAD], None)
        }
        Chain::Utf8Gbk => (dbcs_inverse(&GBK_T), Decoder::Utf8, vec![], Some(&*GBK_T)),
        Chain::Utf8Big5 => (dbcs_inverse(&BIG5_T), Decoder::Utf8, vec![], Some(&*BIG5_T)),
        Chain::Utf8ShiftJis => (dbcs_inverse(&SJIS_T), Decoder::Utf8, vec![], Some(&*SJIS_T)),
        Chain::GbkLatin1 => (latin1_then(), Decoder::Dbcs(&GBK_T), vec![0xAD], None),
        Chain::Big5Latin1 => (latin1_then(), Decoder::Dbcs(&BIG5_T), vec![0xAD], None),
    };
    let utf8_first = matches!(chain, Chain::GbkLatin1 | Chain::Big5Latin1);
    ChainData {
        chain,
        alts,
        decoder,
        drop,
        wildcard,
        utf8_first,
        ascii_trail_rare: chain == Chain::GbkLatin1,
    }
}

static CHAIN_DATA: Lazy<Vec<ChainData>> =
    Lazy::new(|| Chain::ALL.iter().map(|&c| build(c)).collect());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphabets() {
        let d = Chain::Utf8Latin1Utf8Gbk.data();
        assert_eq!(d.first('莽').map(|a| a.bytes()[0]), Some(0xE7));
        assert_eq!(d.first('聨').map(|a| a.bytes()[0]), Some(0x8E));
        let g = Chain::Utf8Gbk.data();
        assert_eq!(
            g.first('鍥').map(|a| a.bytes().to_vec()),
            Some(vec![0xE5, 0x9B])
        );
        assert_eq!(
            Chain::Utf8Cp1252
                .data()
                .first('\u{81}')
                .map(|a| a.bytes()[0]),
            Some(0x81)
        );
        assert_eq!(GBK_T.pair(0xC1, 0xAA), Some('联'));
        for c in Chain::ALL {
            assert_eq!(Chain::from_name(c.name()), Some(c));
        }
    }
}
