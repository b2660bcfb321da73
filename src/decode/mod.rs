//! Decode stage: raw bytes → text, with a report of what was guessed and repaired.
//!
//! Follows `../shared/design/encoding-repair.md`: raw-bytes detection (BOM, UTF-16 NUL
//! pattern, strict UTF-8, chardetng + scoring, [`raw`]) and then per-line mojibake repair
//! ([`repair_text`]: a cheap gate, then a Viterbi per line and chain). Clean UTF-8 goes through the
//! gate only: the scoring tables are built on first need, never for clean text.

mod chains;
mod cost;
pub mod damage;
mod model;
mod raw;
mod readability;
mod repair;
mod tables;
mod viterbi;

use serde::{Deserialize, Serialize};

pub use chains::Chain;
pub use model::{DomainCounts, RepairModel, MIN_DOMAIN_HAN};
pub use raw::RawReport;
pub use readability::{readability, Readability};
pub use repair::{repair_text, MojibakeReport};
pub use tables::tables_loaded;

/// Decoded text and what happened on the way.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text as its author wrote it (best effort).
    pub text: String,
    /// How the bytes were read and what was repaired.
    pub report: DecodeReport,
}

/// Readability of the text before and after repair (design §5).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct ReadabilityChange {
    /// Of the text as decoded from bytes, before mojibake repair.
    pub before: Readability,
    /// Of the repaired text.
    pub after: Readability,
}

/// Per-document damage report (design §4.6).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DecodeReport {
    /// How the raw bytes were read.
    pub raw: RawReport,
    /// What the mojibake repair did.
    pub mojibake: MojibakeReport,
    /// Readability before/after; None when no line looked suspicious (computing it needs the
    /// scoring tables, which clean documents never load; use [`decode_full`] to force it).
    pub readability: Option<ReadabilityChange>,
    /// Characters of the output still counted as bad by the readability metric (or U+FFFD, C1
    /// and private-use characters when readability was not computed).
    pub residual_suspicious_chars: usize,
    /// True when the document should be looked at by a person (design §4.6 thresholds).
    pub needs_review: bool,
}

impl DecodeReport {
    /// True when the text is, as far as the report can tell, what the author wrote: read
    /// without decoding errors, and any repair restored no byte and lost no character. Such
    /// text may teach a [`RepairModel`] (guessed bytes must not teach the guesser).
    pub fn is_exact(&self) -> bool {
        let m = &self.mojibake;
        self.raw.decode_errors == 0
            && m.bytes_restored == 0
            && m.unrecoverable_chars == 0
            && m.known_loss_markers == 0
            && !self.needs_review
    }

    /// True when a repair guessed lost bytes: a refreshed [`RepairModel`] may guess better.
    pub fn has_guesses(&self) -> bool {
        self.mojibake.bytes_restored > 0
    }
}

/// Decodes a file's bytes into text. Never fails: undecodable bytes become U+FFFD and are counted.
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_impl(bytes, false, &RepairModel::shipped())
}

/// Like [`decode`], scoring repairs with `model` (the shipped statistics refreshed with the
/// folder's own clean text: fewer wrong restorations of lost bytes).
pub fn decode_with(bytes: &[u8], model: &RepairModel) -> Decoded {
    decode_impl(bytes, false, model)
}

/// Like [`decode_with`], and always computes readability (for `papersift inspect`).
pub fn decode_full(bytes: &[u8], model: &RepairModel) -> Decoded {
    decode_impl(bytes, true, model)
}

fn decode_impl(bytes: &[u8], full: bool, model: &RepairModel) -> Decoded {
    let (text, raw) = raw::decode_raw(bytes);
    let gate = repair::needs_any_look(&text);
    // Most suspicious-looking documents are clean: their text comes back unchanged, and
    // scoring it a second time would cost as much as the first.
    let before = (full || gate).then(|| (readability(&text), text.clone()));
    let (out, mojibake) = repair::repair_owned(text, gate, model);
    let readability = before.map(|(before, original)| ReadabilityChange {
        after: if out == original {
            before
        } else {
            readability(&out)
        },
        before,
    });
    // Without readability no line passed the gate, which lets no U+FFFD, C1 or private-use
    // character through: nothing suspicious remains.
    let residual = readability.as_ref().map_or(0, |r| r.after.bad);
    let needs_review = review(&out, &raw, &mojibake, readability.as_ref());
    Decoded {
        text: out,
        report: DecodeReport {
            raw,
            mojibake,
            readability,
            residual_suspicious_chars: residual,
            needs_review,
        },
    }
}

/// The design's review thresholds (§4.6).
fn review(out: &str, raw: &RawReport, m: &MojibakeReport, r: Option<&ReadabilityChange>) -> bool {
    if r.is_some_and(|r| r.after.readable_lines < 0.9) {
        return true;
    }
    let lost = m.unrecoverable_chars.max(raw.decode_errors);
    if lost as f64 > 0.005 * m.chars_out.max(1) as f64 {
        return true;
    }
    if m.ambiguous_restorations > 0 {
        let han = out.chars().filter(|&c| cost::is_han(c)).count();
        if m.ambiguous_restorations as f64 > 0.3 * han.max(1) as f64 {
            return true;
        }
    }
    false
}
