//! Document-level mojibake repair (design §4.4 "Decision per line" and "Document").

use std::collections::BTreeMap;

use encoding_rs::{BIG5, GBK};
use serde::{Deserialize, Serialize};

use super::chains::{Chain, ChainData, Decoder};
use super::cost::{is_cp1252_extra, is_han, text_cost};
use super::model::RepairModel;
use super::tables::{gate_sees, is_double_moji, is_han_moji, Tables};
use super::viterbi::{self, TAU};

/// What the mojibake repair did to a document (design §4.6).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MojibakeReport {
    /// The chain that repaired the most text (weighted by line length), if any.
    pub dominant_chain: Option<String>,
    /// Lines in the document.
    pub lines_total: usize,
    /// Lines repaired, per chain (a line repaired twice by one chain counts once).
    pub lines_repaired: BTreeMap<String, usize>,
    /// Characters before repair.
    pub chars_in: usize,
    /// Characters after repair.
    pub chars_out: usize,
    /// Bytes restored by insertion (dropped bytes and wildcards).
    pub bytes_restored: usize,
    /// Restored characters for which another restoration was plausible.
    pub ambiguous_restorations: usize,
    /// U+FFFD in the output.
    pub unrecoverable_chars: usize,
    /// `锟斤拷` markers found (each stands for two lost characters).
    pub known_loss_markers: usize,
    /// HTML numeric character references decoded (`&#xff0c;` → `，`).
    pub entities_decoded: usize,
    /// Lines that passed the cheap gate and were scored.
    pub lines_scored: usize,
}

/// Maximum repeated passes per line (double mojibake needs two).
const MAX_PASSES: usize = 3;
/// Chains tried per line (after ranking by the strict transform's error share).
const MAX_CHAINS: usize = 2;
/// A chain is tried when its strict transform costs at most this factor (plus a little) more per
/// character than the best chain's: far worse strict readings never win the Viterbi either.
const CHAIN_MARGIN: f32 = 1.25;

/// Cheap per-line gate: true when a line may hold mojibake. Needs no tables.
pub(crate) fn needs_look(line: &str) -> bool {
    if line.is_ascii() {
        return false;
    }
    let (mut prev_latin, mut prev_strong, mut double_run) = (false, false, 0u32);
    for c in line.chars() {
        let u = c as u32;
        if u < 0x80 || (u >= 0x800 && !gate_sees(c)) {
            prev_latin = false;
            prev_strong = false;
            double_run = 0;
            continue;
        }
        // C1, U+FFFD, private use, and 锟 (start of the `锟斤拷` loss marker).
        if (0x80..=0x9F).contains(&u)
            || c == '\u{FFFD}'
            || (0xE000..=0xF8FF).contains(&u)
            || c == '锟'
        {
            return true;
        }
        // Letters the single-byte chains produce: Latin-1 and Latin Extended (windows-1250/
        // 1252/1254) and Cyrillic (1251). Greek and combining marks come from no chain here, and
        // pairs of them are common in formulas (`θ̃`, `λ·`).
        let strong = (0xA0..=0x2FF).contains(&u) || (0x400..=0x4FF).contains(&u);
        let latin = strong || is_cp1252_extra(c);
        if latin && prev_latin && (strong || prev_strong) {
            return true;
        }
        prev_latin = latin;
        prev_strong = strong;
        if is_han_moji(c) {
            return true;
        }
        if is_double_moji(c) {
            double_run += 1;
            if double_run >= 3 {
                return true;
            }
        } else {
            double_run = 0;
        }
    }
    false
}

/// The strict transform of a line under one chain (first alternative, no insertions).
struct Strict {
    /// U+FFFD the decoder emitted.
    errors: usize,
    /// The decoded text (characters outside the alphabet kept).
    text: String,
    /// `text_cost(text)`.
    cost: f32,
}

/// The chain gate (§4.3): enough of the line is in the chain's alphabet and its strict transform
/// decodes mostly without errors. Returns the strict transform when it passes.
fn chain_gate(t: &Tables, cd: &ChainData, line: &[char]) -> Option<Strict> {
    let mut non_ascii = 0usize;
    let mut in_alpha = 0usize;
    for &c in line {
        if !c.is_ascii() {
            non_ascii += 1;
            if cd.in_gate_alphabet(c) {
                in_alpha += 1;
            }
        }
    }
    if in_alpha == 0
        || (in_alpha < 2 && in_alpha < non_ascii)
        || (in_alpha as f32) < 0.3 * non_ascii as f32
    {
        return None;
    }
    let (errors, decoded, text) = strict_transform(cd, line);
    // A chain that drops bytes (D) leaves truncated UTF-8 sequences the Viterbi restores: those
    // are not evidence against it (lossy Latin-1 truncates 3 in 4 CJK characters).
    let against = if matches!(cd.decoder, Decoder::Utf8) && !cd.drop.is_empty() {
        unrepairable_utf8(cd, line)
    } else {
        errors
    };
    (against as f32 <= 0.6 * decoded.max(errors) as f32 + 1.0).then(|| {
        // Rank by what the Viterbi will pay: a restorable truncation costs about a restored
        // byte and a plausible character, not a U+FFFD.
        let restorable = errors.saturating_sub(against) as f32;
        let cost = text_cost(t, &text) - restorable * (viterbi::E - RESTORED);
        Strict { errors, text, cost }
    })
}

/// Typical cost of a character restored from a truncated sequence (λ plus a common character).
const RESTORED: f32 = 5.0;

/// Errors of the strict UTF-8 reading that inserting at most two dropped bytes cannot explain:
/// continuation bytes without a lead, and bytes that are never UTF-8.
fn unrepairable_utf8(cd: &ChainData, line: &[char]) -> usize {
    let mut bytes = Vec::with_capacity(line.len());
    for &c in line {
        match cd.first(c).filter(|_| cd.in_gate_alphabet(c)) {
            Some(a) => bytes.extend_from_slice(a.bytes()),
            None => bytes.push(b' '),
        }
    }
    let (mut i, mut bad) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        let need = match b {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                bad += 1;
                i += 1;
                continue;
            }
        };
        let mut j = i + 1;
        while j < bytes.len() && j < i + need && (0x80..=0xBF).contains(&bytes[j]) {
            j += 1;
        }
        if need - (j - i) > 2 {
            bad += 1;
        }
        i = j;
    }
    bad
}

/// Decodes the first alternative of every alphabet character; returns (errors, non-ASCII output
/// chars, the result with characters outside the alphabet kept).
fn strict_transform(cd: &ChainData, line: &[char]) -> (usize, usize, String) {
    let mut bytes = Vec::with_capacity(line.len() * 2);
    let (mut errors, mut decoded) = (0, 0);
    let mut text = String::with_capacity(line.len() * 3);
    let mut flush = |bytes: &mut Vec<u8>, text: &mut String| {
        if bytes.is_empty() {
            return;
        }
        let seg = match cd.decoder {
            Decoder::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Decoder::Dbcs(_) => {
                let enc = if cd.chain == Chain::Big5Latin1 {
                    BIG5
                } else {
                    GBK
                };
                enc.decode_without_bom_handling(bytes).0.into_owned()
            }
        };
        for c in seg.chars() {
            if c == '\u{FFFD}' {
                errors += 1;
            }
            if !c.is_ascii() {
                decoded += 1;
            }
        }
        text.push_str(&seg);
        bytes.clear();
    };
    for &c in line {
        match cd.first(c).filter(|_| cd.in_gate_alphabet(c)) {
            Some(a) => bytes.extend_from_slice(a.bytes()),
            None => {
                flush(&mut bytes, &mut text);
                text.push(c);
            }
        }
    }
    flush(&mut bytes, &mut text);
    (errors, decoded, text)
}

/// Outcome of repairing one line.
struct LineFix {
    text: String,
    chains: Vec<Chain>,
    bytes_restored: usize,
    ambiguous: usize,
    /// How much cheaper the first pass's winner was than the next chain's reading (or the line
    /// as written): a clear win is evidence for the document's chain, a tie is none.
    margin: f32,
}

/// True when a legacy DBCS reading is coherent Chinese (most adjacent Han pairs attested in the
/// bigram table): a misaligned reading after a stripped byte is not, though it decodes without
/// errors.
fn coherent(t: &Tables, text: &str) -> bool {
    let (mut pairs, mut attested) = (0usize, 0usize);
    let mut prev = None;
    for c in text.chars() {
        let han = is_han(c);
        if let (Some(p), true) = (prev, han) {
            pairs += 1;
            attested += usize::from(t.bigram(p, c) > 0.0);
        }
        prev = han.then_some(c);
    }
    pairs >= 6 && attested as f32 >= 0.6 * pairs as f32
}

/// True when a legacy DBCS reading adds at most two Han characters, no attested Han pair, and
/// one of them is rare or glued to a Latin letter: an accented name (`Sevda Öğüt` read as Big5
/// gives `秺泪t`) rather than Chinese. Real GBK/Big5 mojibake of a word or more forms attested
/// pairs, and a lone broken character (`ÔÚ` for 在) is a common one standing apart or glued.
fn stray_han(t: &Tables, before: &str, after: &str) -> bool {
    let han = |s: &str| s.chars().filter(|&c| is_han(c)).count();
    let attested = |s: &str| {
        let cs: Vec<char> = s.chars().collect();
        cs.windows(2)
            .filter(|w| is_han(w[0]) && is_han(w[1]) && t.bigram(w[0], w[1]) > 0.0)
            .count()
    };
    if han(after) > han(before) + 2 || attested(after) > attested(before) {
        return false;
    }
    let cs: Vec<char> = after.chars().collect();
    (0..cs.len()).any(|i| {
        let c = cs[i];
        let new = is_han(c) && !before.contains(c);
        let glued = |j: Option<usize>| {
            j.and_then(|j| cs.get(j))
                .is_some_and(char::is_ascii_alphabetic)
        };
        // The commonest characters glue to Latin words in real mixed text (`Transformer在`).
        let cost = t.han_cost(c).unwrap_or(9.0);
        new && (cost >= 6.0
            || (cost >= COMMON_HAN && (glued(i.checked_sub(1)) || glued(Some(i + 1)))))
    })
}

/// Han cost below which a character is common enough to stand glued to a Latin word.
const COMMON_HAN: f32 = 2.5;

/// True when a legacy DBCS reading is Han soup: at least 6 adjacent Han pairs and fewer than a
/// fifth attested. Misread UTF-8 (lossy Latin-1 lines) decodes as GBK without errors into such
/// soup; real GBK text scores 0.85 and more, and leaving the line as it was is better than soup.
fn incoherent(t: &Tables, text: &str) -> bool {
    let (mut pairs, mut attested) = (0usize, 0usize);
    let mut prev = None;
    for c in text.chars() {
        let han = is_han(c);
        if let (Some(p), true) = (prev, han) {
            pairs += 1;
            attested += usize::from(t.bigram(p, c) > 0.0);
        }
        prev = han.then_some(c);
    }
    pairs >= 6 && (attested as f32) < 0.2 * pairs as f32
}

/// Chains worth a Viterbi on this line: the `MAX_CHAINS` passing the gate whose strict transform
/// reads best, plus the document's dominant chain.
fn promising_chains(
    t: &Tables,
    chars: &[char],
    dominant: Option<Chain>,
    only: bool,
) -> Vec<(Chain, Option<Strict>)> {
    if let (Some(d), true) = (dominant, only) {
        return vec![(d, chain_gate(t, d.data(), chars))];
    }
    let mut gated: Vec<(Chain, Option<Strict>)> = Chain::ALL
        .into_iter()
        .filter_map(|c| chain_gate(t, c.data(), chars).map(|s| (c, Some(s))))
        .collect();
    let per_char = |s: &Option<Strict>| {
        s.as_ref().map_or(f32::INFINITY, |s| s.cost) / chars.len().max(1) as f32
    };
    gated.sort_by(|a, b| per_char(&a.1).total_cmp(&per_char(&b.1)));
    let best = gated.first().map_or(0.0, |g| per_char(&g.1));
    gated.truncate(MAX_CHAINS);
    gated.retain(|g| per_char(&g.1) <= best * CHAIN_MARGIN + 0.3);
    if let Some(d) = dominant {
        if !gated.iter().any(|g| g.0 == d) {
            gated.push((d, None));
        }
    }
    gated
}

/// Longest stretch handed to one Viterbi: bounds its memory (the back-pointer arena grows with
/// the line) on minified or single-line files.
const MAX_SEGMENT: usize = 4096;

/// Which chains a line is tried with: `dominant` always runs and gets τ−1 when `favour` is
/// set; with `only` it is the one chain tried.
#[derive(Clone, Copy)]
struct Attempt {
    dominant: Option<Chain>,
    favour: bool,
    only: bool,
}

/// [`repair_line`] over a line cut at ASCII characters into pieces of at most `MAX_SEGMENT`
/// bytes (mojibake of one character never spans an ASCII byte, so the cuts lose nothing).
/// `first_strict`: the chain gate's strict transform of the whole line under `how.dominant`
/// alone (`how.only`), when the caller already has it (a line that is not cut reuses it).
fn repair_segmented(
    t: &Tables,
    line: &str,
    how: Attempt,
    first_strict: Option<Strict>,
) -> Option<LineFix> {
    if line.len() <= MAX_SEGMENT {
        return repair_line(t, line, how, first_strict);
    }
    let mut fix = LineFix {
        text: String::with_capacity(line.len()),
        chains: Vec::new(),
        bytes_restored: 0,
        ambiguous: 0,
        margin: f32::INFINITY,
    };
    let mut rest = line;
    while !rest.is_empty() {
        let mut cut = rest.len().min(MAX_SEGMENT);
        if cut < rest.len() {
            // Cut after the last ASCII byte of the window, else at a character boundary.
            cut = match rest.as_bytes()[..cut].iter().rposition(u8::is_ascii) {
                Some(p) if p > 0 => p + 1,
                _ => (1..=cut)
                    .rev()
                    .find(|&i| rest.is_char_boundary(i))
                    .unwrap_or(rest.len()),
            };
        }
        let (seg, tail) = rest.split_at(cut);
        match repair_line(t, seg, how, None) {
            Some(f) => {
                fix.text.push_str(&f.text);
                fix.bytes_restored += f.bytes_restored;
                fix.ambiguous += f.ambiguous;
                fix.margin = fix.margin.min(f.margin);
                for c in f.chains {
                    if !fix.chains.contains(&c) {
                        fix.chains.push(c);
                    }
                }
            }
            None => fix.text.push_str(seg),
        }
        rest = tail;
    }
    (!fix.chains.is_empty()).then_some(fix)
}

/// Repairs one line: up to `MAX_PASSES` passes, each taking the cheapest gated chain if it beats
/// the line as written; `how` says which chains are tried, and `first_strict` is the first
/// pass's strict transform under `how.dominant` alone when already known.
fn repair_line(
    t: &Tables,
    line: &str,
    how: Attempt,
    mut first_strict: Option<Strict>,
) -> Option<LineFix> {
    let Attempt {
        dominant,
        favour,
        only,
    } = how;
    debug_assert!(first_strict.is_none() || (only && dominant.is_some()));
    let mut cur = line.to_string();
    let mut fix = LineFix {
        text: String::new(),
        chains: Vec::new(),
        bytes_restored: 0,
        ambiguous: 0,
        margin: f32::INFINITY,
    };
    let mut chars: Vec<char> = Vec::new();
    for _ in 0..MAX_PASSES {
        chars.clear();
        chars.extend(cur.chars());
        let base = text_cost(t, &cur);
        let mut best: Option<(Chain, viterbi::LineOut)> = None;
        let chains = match (first_strict.take(), dominant) {
            (Some(strict), Some(d)) if only => vec![(d, Some(strict))],
            _ => promising_chains(t, &chars, dominant, only),
        };
        // Fast path: the best chain's strict reading decodes to UTF-8 without a single error (UTF-8
        // resynchronises, so a lost byte always shows), reads far better than the line and looks
        // clean: that is the Viterbi's all-re-decoded path, take it directly. Legacy DBCS readings
        // of misaligned bytes rarely error, so those chains always get the Viterbi.
        if let Some((chain, Some(st))) = chains.first() {
            if st.errors == 0
                && st.text != cur
                && st.cost + TAU < base
                && !needs_look(&st.text)
                && (matches!(chain.data().decoder, Decoder::Utf8) || coherent(t, &st.text))
            {
                let out = viterbi::LineOut {
                    cost: st.cost + TAU,
                    text: st.text.clone(),
                    bytes_restored: 0,
                    ambiguous: 0,
                    lost: 0,
                    changed: true,
                };
                best = Some((*chain, out));
            }
        }
        let fast = best.is_some();
        // Cost of the best reading that is not the winner's (the line as written to begin with).
        let mut runner_up = if fast {
            best.as_ref().map_or(base, |b| b.1.cost)
        } else {
            base
        };
        for &(chain, _) in chains.iter().filter(|_| !fast) {
            let cd = chain.data();
            let tau = if favour && Some(chain) == dominant {
                TAU - 1.0
            } else {
                TAU
            };
            let out = viterbi::run(t, cd, &chars, tau);
            if out.changed
                && out.text != cur
                && !(matches!(cd.decoder, Decoder::Dbcs(_))
                    && (stray_han(t, &cur, &out.text) || incoherent(t, &out.text)))
            {
                match &best {
                    Some((_, b)) if out.cost >= b.cost => runner_up = runner_up.min(out.cost),
                    _ => {
                        if let Some((_, b)) = &best {
                            runner_up = runner_up.min(b.cost);
                        }
                        best = Some((chain, out));
                    }
                }
            }
        }
        match best {
            Some((chain, out)) if out.cost < base => {
                if fix.chains.is_empty() {
                    fix.margin = runner_up - out.cost;
                }
                fix.bytes_restored += out.bytes_restored;
                fix.ambiguous += out.ambiguous;
                if !fix.chains.contains(&chain) {
                    fix.chains.push(chain);
                }
                cur = out.text;
                // Another pass only for what still looks broken (double mojibake); the repair's
                // own U+FFFD are final.
                if !needs_look(&cur.replace('\u{FFFD}', "")) {
                    break;
                }
            }
            _ => break,
        }
    }
    if fix.chains.is_empty() {
        return None;
    }
    fix.text = cur;
    Some(fix)
}

/// Repairs mojibake in already-decoded text, line by line; clean lines come back byte-identical.
pub fn repair_text(text: &str) -> (String, MojibakeReport) {
    let gate = needs_any_look(text);
    repair_owned(text.to_string(), gate, &RepairModel::shipped())
}

/// Counts characters from UTF-8 bytes (non-continuation bytes); vectorises, unlike `chars()`.
fn count_chars(s: &str) -> usize {
    s.bytes().filter(|&b| (b as i8) >= -0x40).count()
}

/// Counts U+FFFD.
fn count_fffd(s: &str) -> usize {
    memchr::memmem::find_iter(s.as_bytes(), "\u{FFFD}".as_bytes()).count()
}

/// True when some line of `text` passes the cheap gate (the repair will score it).
pub(crate) fn needs_any_look(text: &str) -> bool {
    needs_look(text)
}

/// [`repair_text`] on an owned string whose gate (`needs_any_look`) was already computed: clean
/// text is handed back without a copy.
pub(crate) fn repair_owned(
    text: String,
    gate: bool,
    model: &RepairModel,
) -> (String, MojibakeReport) {
    // One pass over the bytes for both counts (vectorises).
    let (chars, newlines) = text.bytes().fold((0usize, 0usize), |(c, n), b| {
        (
            c + usize::from((b as i8) >= -0x40),
            n + usize::from(b == b'\n'),
        )
    });
    let mut rep = MojibakeReport {
        chars_in: chars,
        lines_total: newlines + 1,
        ..Default::default()
    };
    // Cheap gate first, over the whole text at once (the gate's state resets at every ASCII
    // character, so at line ends too): a clean document never touches the scoring tables.
    if !gate {
        let (out, n) = if memchr::memmem::find(text.as_bytes(), b"&#").is_some() {
            decode_entities(&text)
        } else {
            (text, 0)
        };
        rep.entities_decoded = n;
        rep.chars_out = if n == 0 {
            rep.chars_in
        } else {
            count_chars(&out)
        };
        // The gate lets no U+FFFD through, and entities never decode to one.
        return (out, rep);
    }
    let t = model.tables();
    let text = text.as_str();
    let lines: Vec<&str> = text.split('\n').collect();
    let looks: Vec<bool> = lines
        .iter()
        .map(|l| needs_look(l) || l.contains("锟斤拷"))
        .collect();
    let mut out_lines: Vec<Option<LineFix>> = Vec::with_capacity(lines.len());
    let mut bodies: Vec<String> = Vec::with_capacity(lines.len());
    let mut votes: BTreeMap<Chain, usize> = BTreeMap::new();
    // Clear wins only (see `LineFix::margin`): length and lines, per chain.
    let mut clear: BTreeMap<Chain, usize> = BTreeMap::new();
    let mut wins: BTreeMap<Chain, usize> = BTreeMap::new();
    // Lines already tried with the chain named here alone, favoured (pass 2 would repeat it).
    let mut tried: Vec<Option<Chain>> = Vec::with_capacity(lines.len());
    for (line, &look) in lines.iter().zip(&looks) {
        let (body, cr) = split_cr(line);
        let mut body = body.to_string();
        let markers = body.matches("锟斤拷").count();
        if markers > 0 {
            rep.known_loss_markers += markers;
            body = body.replace("锟斤拷", "\u{FFFD}\u{FFFD}");
        }
        let mut tried_dom = None;
        let fix = if look {
            rep.lines_scored += 1;
            // Once one chain has clearly won the document so far, a line its gate accepts gets
            // that chain alone (as pass 2 would give it): the other chains' Viterbis rarely win
            // there and cost most of the time on broken documents. Lines it cannot repair still
            // get every chain.
            let settled = settled_chain(&clear, &wins).and_then(|d| {
                let chars: Vec<char> = body.chars().collect();
                if !covers(d.data(), &chars) {
                    return None;
                }
                chain_gate(t, d.data(), &chars).map(|strict| (d, strict))
            });
            let first = settled.and_then(|(d, strict)| {
                tried_dom = Some(d);
                let alone = Attempt {
                    dominant: Some(d),
                    favour: true,
                    only: true,
                };
                repair_segmented(t, &body, alone, Some(strict))
            });
            let every = Attempt {
                dominant: None,
                favour: false,
                only: false,
            };
            first.or_else(|| repair_segmented(t, &body, every, None))
        } else {
            None
        };
        tried.push(tried_dom);
        if let Some(f) = &fix {
            if let Some(&c) = f.chains.first() {
                *votes.entry(c).or_default() += body.len();
                if f.margin >= CLEAR_MARGIN {
                    *clear.entry(c).or_default() += body.len();
                    *wins.entry(c).or_default() += 1;
                }
            }
        }
        bodies.push(format!("{body}{cr}"));
        out_lines.push(fix);
    }
    let dominant = votes.iter().max_by_key(|(_, &v)| v).map(|(&c, _)| c);
    if let Some(dom) = dominant {
        rep.dominant_chain = Some(dom.name().to_string());
        // Pass 2: lines another chain won, and non-ASCII lines the gate let through, get the
        // dominant chain with a lower entry cost.
        for (i, body) in bodies.iter().enumerate() {
            let redo = tried[i] != Some(dom)
                && match &out_lines[i] {
                    Some(f) => f.chains.first() != Some(&dom),
                    None => {
                        !body.is_ascii() && {
                            let chars: Vec<char> = split_cr(body).0.chars().collect();
                            chain_gate(t, dom.data(), &chars).is_some()
                        }
                    }
                };
            if redo {
                let (b, _) = split_cr(body);
                let favoured = Attempt {
                    dominant: Some(dom),
                    favour: true,
                    only: false,
                };
                if let Some(f) = repair_segmented(t, b, favoured, None) {
                    out_lines[i] = Some(f);
                }
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    for (i, body) in bodies.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match &out_lines[i] {
            Some(f) => {
                let (_, cr) = split_cr(body);
                out.push_str(&f.text);
                out.push_str(cr);
                rep.bytes_restored += f.bytes_restored;
                rep.ambiguous_restorations += f.ambiguous;
                for c in &f.chains {
                    *rep.lines_repaired.entry(c.name().to_string()).or_default() += 1;
                }
            }
            None => out.push_str(body),
        }
    }
    let (out, n) = decode_entities(&out);
    rep.entities_decoded = n;
    rep.chars_out = count_chars(&out);
    rep.unrecoverable_chars = count_fffd(&out);
    (out, rep)
}

/// A first-pass win by at least this much over the next reading is a clear win.
const CLEAR_MARGIN: f32 = 2.0;
/// Lines a chain must have won clearly, and its share of the repaired text, before later lines try it alone.
const SETTLED_LINES: usize = 4;
const SETTLED_SHARE: f32 = 0.9;

/// True when the chain explains every non-ASCII character of the line: a line with a character
/// only a neighbouring chain explains (`ğ` in a windows-1252 document) gets every chain.
fn covers(cd: &ChainData, line: &[char]) -> bool {
    line.iter().all(|&c| c.is_ascii() || cd.explains(c))
}

/// The chain that has clearly won the lines so far, if any (`votes`: length of clearly won lines).
fn settled_chain(votes: &BTreeMap<Chain, usize>, wins: &BTreeMap<Chain, usize>) -> Option<Chain> {
    let total: usize = votes.values().sum();
    let (&c, &v) = votes.iter().max_by_key(|(_, &v)| v)?;
    (wins.get(&c).copied().unwrap_or(0) >= SETTLED_LINES
        && v as f32 >= SETTLED_SHARE * total as f32)
        .then_some(c)
}

fn split_cr(line: &str) -> (&str, &str) {
    match line.strip_suffix('\r') {
        Some(b) => (b, "\r"),
        None => (line, ""),
    }
}

/// Decodes numeric character references to non-ASCII characters outside backtick code spans.
/// ASCII references (`&#60;`) stay: they may be deliberate escapes.
pub(crate) fn decode_entities(text: &str) -> (String, usize) {
    if memchr::memmem::find(text.as_bytes(), b"&#").is_none() {
        return (text.to_string(), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut n = 0;
    let mut in_code = false;
    let mut rest = text;
    while let Some(pos) = rest.find(['&', '`']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('`') {
            in_code = !in_code;
            out.push('`');
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some((c, len)) = parse_entity(rest) {
                out.push(c);
                n += 1;
                rest = &rest[len..];
                continue;
            }
        }
        out.push('&');
        rest = &rest[1..];
    }
    out.push_str(rest);
    (out, n)
}

fn parse_entity(s: &str) -> Option<(char, usize)> {
    let body = s.strip_prefix("&#")?;
    let (digits, radix, skip) = match body.strip_prefix(['x', 'X']) {
        Some(h) => (h, 16, 3),
        None => (body, 10, 2),
    };
    let end = digits.find(';')?;
    if end == 0 || end > 7 {
        return None;
    }
    let v = u32::from_str_radix(&digits[..end], radix).ok()?;
    let c = char::from_u32(v).filter(|&c| (c as u32) >= 0xA0 && c != '\u{FFFD}')?;
    Some((c, skip + end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&#xff0c;b&#65;`&#xff0c;`").0,
            "a，b&#65;`&#xff0c;`"
        );
    }

    #[test]
    fn gate() {
        assert!(!needs_look(
            "对比学习（Contrastive Learning）在 NeurIPS 2023 上很热门。"
        ));
        assert!(!needs_look("Jérôme Müller — “naïve” café, São Paulo"));
        assert!(needs_look("è”é‚¦å¦ä¹ "));
        assert!(needs_look("鍥剧墖"));
        assert!(needs_look("莽戮聨氓聸垄"));
    }
}
