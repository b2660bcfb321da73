//! Per-line, per-chain Viterbi (design §4.4): which characters to keep and which to re-decode
//! through the chain, restoring dropped bytes where the decoder says one is missing.

use super::chains::{Alt, ChainData, Dbcs, Decoder};
use super::cost::{cost, is_han, pair_pen, pmi, EmitCache};
use super::tables::{IntMap, Tables};

/// Cost of a U+FFFD the repair has to emit.
pub(crate) const E: f32 = 8.0;
/// Cost of switching from original text to re-decoded text.
pub(crate) const TAU: f32 = 4.0;
/// Cost of leaving a re-decoded run on a character the chain could have re-decoded.
const LEAVE: f32 = 4.5;
/// Cost per inserted (restored) byte.
const LAMBDA: f32 = 2.0;
/// States kept per position.
const BEAM: usize = 8;
/// States costlier than the best by more than this are dropped (they never come back in practice,
/// and the beam would otherwise spend most of its time on them).
const BEAM_COST: f32 = 14.0;
/// Lazy completions kept per closure (the rest are far worse in practice).
const MAX_COMPLETIONS: usize = 6;
/// Extra cost of a re-decoded traditional-only character.
const TRADITIONAL: f32 = 1.0;
/// Extra cost of a re-decoded Han character right after an ASCII letter.
const LATIN_HAN: f32 = 2.0;
/// Extra cost of a GBK pair whose trail byte is ASCII (outside GB2312).
const ASCII_TRAIL: f32 = 1.5;
/// Closures per step that may restore dropped bytes.
const CLOSE_BUDGET: usize = 6;
/// Completions (cheapest by context-free cost) whose context is scored.
const COMPLETION_CANDIDATES: usize = 16;
/// The same for chains that drop few bytes (windows-1252/1254): ten is enough there.
const COMPLETION_CANDIDATES_SMALL_D: usize = 10;
/// Successors of the left neighbour scanned for a completion the cheapest ones missed.
const SUCCESSOR_SCAN: usize = 256;
/// Most completions added that way.
const SUCCESSORS_ADDED: usize = 4;
/// Largest PMI bonus (see `cost::pmi`).
const MAX_PMI: f32 = 3.0;
/// Non-Han characters this costly (rare scripts, "anything else") are never restored.
const RARE: f32 = 5.0;
/// A candidate whose context-free cost is below this is a plausible restoration.
const PLAUSIBLE: f32 = 7.0;

/// Bytes waiting for the decoder to finish a character.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Pend {
    b: [u8; 3],
    len: u8,
    /// Bytes of the pending sequence that were inserted (wildcards).
    ins: u8,
    /// The inserted byte had several plausible values.
    amb: bool,
}

/// What a character of the output is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// Kept as written.
    Orig,
    /// Re-decoded from its bytes.
    Dec,
    /// Re-decoded with `bytes` restored; `ambiguous` when another restoration was plausible.
    Restored { bytes: u8, ambiguous: bool },
    /// U+FFFD for bytes that cannot be recovered.
    Lost,
}

#[derive(Clone, Copy)]
struct Node {
    parent: u32,
    ch: char,
    tok: Tok,
}

const ROOT: u32 = u32::MAX;

/// A partial hypothesis while feeding bytes.
#[derive(Clone, Copy)]
struct P {
    cost: f32,
    last: char,
    pend: Pend,
    node: u32,
}

#[derive(Clone, Copy)]
struct St {
    p: P,
    dec: bool,
}

/// The best reading of a line under one chain.
pub(crate) struct LineOut {
    /// Total cost of the reading.
    pub cost: f32,
    /// The text it produces.
    pub text: String,
    /// Bytes inserted to restore dropped ones.
    pub bytes_restored: usize,
    /// Restorations with another plausible candidate.
    pub ambiguous: usize,
    /// U+FFFD emitted by the repair.
    pub lost: usize,
    /// True when some non-ASCII character was re-decoded or restored. A reading that only turns
    /// characters into U+FFFD is no repair (`Tomáš` read as truncated UTF-8).
    pub changed: bool,
}

struct Vit<'a> {
    t: &'a Tables,
    cd: &'a ChainData,
    nodes: Vec<Node>,
    scratch: Vec<(char, f32)>,
    /// This thread's lazy completions per chain and pending byte pattern.
    completions: Box<Completions>,
    /// This thread's completions per chain, pending byte pattern and neighbour among that
    /// neighbour's frequent successors or predecessors (see `neighbour_fits`).
    successor_fits: Box<SuccessorFits>,
    /// This thread's direct-mapped cache of closures (`CLOSURE_SLOTS`).
    closures: Box<[Closure]>,
    /// Closures with restoration left in this step.
    close_budget: usize,
    /// This thread's cache of `emit(prev, c)`: the same pairs recur across states and lines.
    emit_cache: Box<EmitCache>,
    /// The character most likely to follow a closure at this step (its strict reading), or
    /// `'\0'`: restorations are kept by their fit with both neighbours, not the left one only.
    next: char,
}

impl Vit<'_> {
    /// `emit(prev, c)`, cached.
    #[inline]
    fn emit(&mut self, prev: char, c: char) -> f32 {
        self.emit_cache.emit(self.t, prev, c)
    }
}

/// Lazy completions keyed by chain and pending byte pattern: (the candidates worth scoring, by
/// context-free cost; ambiguous). A pure function of the chain, so kept per thread across lines.
type Completions = IntMap<u64, (Vec<(char, f32)>, bool)>;

/// See `Vit::successor_fits`.
type SuccessorFits = IntMap<u64, [u16; SUCCESSORS_ADDED]>;

/// Slots of the closure cache (a power of two; 80 bytes each, ~1.3 MB per repairing thread,
/// kept for the thread's life).
const CLOSURE_SLOTS: usize = 1 << 14;

/// What closing a pending sequence gives, cached: the restorations kept (character, cost before
/// the state's own) and whether the pattern is ambiguous. A pure function of the tables, the
/// chain, the pending bytes and both neighbours (all in `key`), and the same words recur line
/// after line: half the closures of a lossy windows-1252 document are found here.
#[derive(Clone, Copy)]
struct Closure {
    key: u128,
    n: u8,
    amb: bool,
    kept: [(char, f32); MAX_COMPLETIONS],
}

const EMPTY_CLOSURE: Closure = Closure {
    key: u128::MAX,
    n: 0,
    amb: false,
    kept: [('\0', 0.0); MAX_COMPLETIONS],
};

/// A thread's completion caches, with the id of the tables that costed them.
type CompletionCaches = (u64, Box<Completions>, Box<SuccessorFits>);

thread_local! {
    /// The back-pointer arena, kept per thread so its capacity is reused across lines.
    static NODES: std::cell::Cell<Option<Vec<Node>>> = const { std::cell::Cell::new(None) };
    /// This thread's completion caches.
    static COMPLETIONS: std::cell::Cell<Option<CompletionCaches>> = const { std::cell::Cell::new(None) };
    /// This thread's closure cache (its keys name the tables, so it outlives a change of tables).
    static CLOSURES: std::cell::Cell<Option<Box<[Closure]>>> = const { std::cell::Cell::new(None) };
}

/// Every character that inserting D bytes into `pend` (after its lead) can complete, sorted by
/// context-free cost, and whether more than one of them is plausible.
fn completions(t: &Tables, cd: &ChainData, pend: &Pend, n: usize) -> (Vec<(char, f32)>, bool) {
    let drop = &cd.drop;
    let have = pend.len as usize;
    let k = n - have;
    let mut found: Vec<(char, f32)> = Vec::new();
    let mut seq = [0u8; 4];
    let combos_d = drop.len().pow(k as u32);
    // Positions (after the lead) that keep the real bytes, in order; the others get D bytes.
    for mask in 0u32..(1 << (n - 1)) {
        if mask.count_ones() as usize != have - 1 {
            continue;
        }
        for dc in 0..combos_d {
            seq[0] = pend.b[0];
            let (mut ri, mut dcr) = (1, dc);
            for (pos, slot) in seq.iter_mut().enumerate().take(n).skip(1) {
                if mask & (1 << (pos - 1)) != 0 {
                    *slot = pend.b[ri];
                    ri += 1;
                } else {
                    *slot = drop[dcr % drop.len()];
                    dcr /= drop.len();
                }
            }
            if let Some(c) = char_of(&seq[..n]) {
                let cc = cost(t, c);
                // A guessed byte that makes a rare script's letter (Ogham ᚁ from `Tomáš` read as
                // UTF-8) is a false repair of clean text, not a restoration: only Han and common
                // characters are worth a guess.
                if (is_han(c) || cc < RARE) && !found.iter().any(|&(x, _)| x == c) {
                    found.push((c, cc));
                }
            }
        }
    }
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    let amb = found.iter().filter(|&&(_, c)| c < PLAUSIBLE).count() >= 2;
    // Only these are ever scored: PMI is at most 3 with either neighbour, so candidates costlier
    // than the cheapest by more than both cannot win.
    let floor = found.first().map_or(0.0, |f| f.1);
    let keep = found
        .iter()
        .take_while(|f| f.1 <= floor + 2.0 * MAX_PMI)
        .take(COMPLETION_CANDIDATES)
        .count();
    found.truncate(keep);
    (found, amb)
}

/// True when `c` is an `n`-byte UTF-8 character that `pend` (its lead and surviving bytes, in
/// order) completes with bytes of `drop` in the other places.
fn fits(c: char, pend: &Pend, n: usize, drop: &[u8]) -> bool {
    // The lead byte first, without encoding: most neighbours scanned fail here (a lead byte of a
    // three-byte character covers one sixth of the Han block).
    let u = c as u32;
    let lead = match n {
        2 if (0x80..0x800).contains(&u) => 0xC0 | (u >> 6),
        3 if (0x800..0x10000).contains(&u) => 0xE0 | (u >> 12),
        4 if u >= 0x10000 => 0xF0 | (u >> 18),
        _ => return false,
    };
    if lead != u32::from(pend.b[0]) {
        return false;
    }
    let mut buf = [0u8; 4];
    let bytes = c.encode_utf8(&mut buf).as_bytes();
    let real = &pend.b[1..pend.len as usize];
    let mut r = 0;
    for &x in &bytes[1..] {
        // A surviving byte is never one of the dropped ones, so the first match is the one.
        if r < real.len() && x == real[r] {
            r += 1;
        } else if !drop.contains(&x) {
            return false;
        }
    }
    r == real.len()
}

fn utf8_need(lead: u8) -> u8 {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

fn utf8_cont_ok(p: &Pend, b: u8) -> bool {
    if p.len == 1 {
        match p.b[0] {
            0xE0 => (0xA0..=0xBF).contains(&b),
            0xED => (0x80..=0x9F).contains(&b),
            0xF0 => (0x90..=0xBF).contains(&b),
            0xF4 => (0x80..=0x8F).contains(&b),
            _ => (0x80..=0xBF).contains(&b),
        }
    } else {
        (0x80..=0xBF).contains(&b)
    }
}

fn char_of(bytes: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(bytes).ok()?;
    let mut cs = s.chars();
    let c = cs.next()?;
    cs.next().is_none().then_some(c)
}

impl Vit<'_> {
    fn push(&mut self, parent: u32, ch: char, tok: Tok) -> u32 {
        self.nodes.push(Node { parent, ch, tok });
        (self.nodes.len() - 1) as u32
    }

    /// Emits a decoded character from `p` (its pending bytes are consumed).
    fn emit_dec(&mut self, p: P, c: char, tok: Tok, extra: f32) -> P {
        // Traditional-only characters are a less likely reading of broken text (design §4.4 rerank).
        let mut penalty = if self.t.is_traditional(c) {
            TRADITIONAL
        } else {
            0.0
        };
        penalty += glue(p.last, c);
        let cost = p.cost + extra + penalty + self.emit(p.last, c);
        let node = self.push(p.node, c, tok);
        P {
            cost,
            last: c,
            pend: Pend::default(),
            node,
        }
    }

    fn lost(&mut self, p: P) -> P {
        let node = self.push(p.node, '\u{FFFD}', Tok::Lost);
        P {
            cost: p.cost + E,
            last: '\u{FFFD}',
            pend: Pend::default(),
            node,
        }
    }

    fn tok_for(pend: &Pend, extra_ins: u8, amb: bool) -> Tok {
        let ins = pend.ins + extra_ins;
        if ins == 0 {
            Tok::Dec
        } else {
            Tok::Restored {
                bytes: ins,
                ambiguous: amb || pend.amb,
            }
        }
    }

    /// Closes a pending sequence: U+FFFD, or a completion with dropped bytes inserted.
    fn close(&mut self, p: P, out: &mut Vec<P>) {
        out.push(self.lost(p));
        // Restorations are tried from the cheapest states of each step only (states come sorted):
        // a restoration on an already-losing path never wins, and this is the hot spot.
        if self.close_budget == 0 {
            return;
        }
        self.close_budget -= 1;
        match self.cd.decoder {
            Decoder::Utf8 => self.lazy_completions(p, out),
            Decoder::Dbcs(t) => {
                let l = p.pend.b[0];
                for i in 0..self.cd.drop.len() {
                    let d = self.cd.drop[i];
                    if let Some(c) = t.pair(l, d) {
                        let q = self.emit_dec(
                            p,
                            c,
                            Tok::Restored {
                                bytes: 1,
                                ambiguous: false,
                            },
                            LAMBDA,
                        );
                        out.push(q);
                    }
                }
            }
        }
    }

    /// Up to `SUCCESSORS_ADDED` frequent successors of `anchor` (predecessors with `before`)
    /// that complete `pend` (0-terminated), cached per thread.
    fn neighbour_fits(
        &mut self,
        anchor: char,
        before: bool,
        pattern: u32,
        pend: &Pend,
        n: usize,
    ) -> [u16; SUCCESSORS_ADDED] {
        let (t, cd) = (self.t, self.cd);
        let key = (u64::from(t.t2s(anchor) as u32) << 32 | u64::from(pattern))
            ^ (cd_key(cd) << 56)
            ^ (u64::from(before) << 63);
        *self.successor_fits.entry(key).or_insert_with(|| {
            let list = if before {
                t.predecessors(anchor)
            } else {
                t.successors(anchor)
            };
            let mut found = [0u16; SUCCESSORS_ADDED];
            let mut added = 0;
            for &b in list.iter().take(SUCCESSOR_SCAN) {
                if char::from_u32(u32::from(b)).is_some_and(|c| fits(c, pend, n, &cd.drop)) {
                    found[added] = b;
                    added += 1;
                    if added == SUCCESSORS_ADDED {
                        break;
                    }
                }
            }
            found
        })
    }

    /// UTF-8 lazy completion: every character obtainable by inserting the missing bytes from D.
    fn lazy_completions(&mut self, p: P, out: &mut Vec<P>) {
        if self.cd.drop.is_empty() || p.pend.len == 0 {
            return;
        }
        let n = utf8_need(p.pend.b[0]) as usize;
        let have = p.pend.len as usize;
        if n <= have || n - have > 2 {
            return;
        }
        let k = n - have;
        let pattern = u32::from_le_bytes([p.pend.b[0], p.pend.b[1], p.pend.b[2], p.pend.len]);
        let key = u128::from(pattern)
            | u128::from(cd_key(self.cd)) << 32
            | u128::from(p.last as u32) << 40
            | u128::from(self.next as u32) << 72
            // Ids count table builds in this process: 32 bits never wrap.
            | u128::from(self.t.id as u32) << 96;
        let slot = ((key as u64 ^ (key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40)
            as usize
            & (CLOSURE_SLOTS - 1);
        let closure = if self.closures[slot].key == key {
            self.closures[slot]
        } else {
            let c = self.closure(p, n, k, pattern, key);
            self.closures[slot] = c;
            c
        };
        for &(c, cst) in &closure.kept[..closure.n as usize] {
            let tok = Tok::Restored {
                bytes: k as u8 + p.pend.ins,
                ambiguous: closure.amb || p.pend.amb,
            };
            let node = self.push(p.node, c, tok);
            out.push(P {
                cost: p.cost + cst,
                last: c,
                pend: Pend::default(),
                node,
            });
        }
    }

    /// The restorations worth keeping for `p`'s pending bytes (`n` long, `k` missing) between
    /// `p.last` and `self.next`.
    fn closure(&mut self, p: P, n: usize, k: usize, pattern: u32, key: u128) -> Closure {
        let mut result = Closure {
            key,
            ..EMPTY_CLOSURE
        };
        // Two missing bytes from a large D (Latin-1's 33) is a thousand guesses per lead byte, but
        // the completion cache keeps only the few plausible ones, once per thread.
        let key = u64::from(pattern) | (cd_key(self.cd) << 32);
        let t = self.t;
        let cd = self.cd;
        let entry = self
            .completions
            .entry(key)
            .or_insert_with(|| completions(t, cd, &p.pend, n));
        let amb = entry.1;
        result.amb = amb;
        let Some(&(_, floor)) = entry.0.first() else {
            return result;
        };
        // PMI is at most 3 on either side: candidates costlier than the cheapest by more than
        // both cannot win.
        // A large drop set (Latin-1's 33 bytes) leaves more plausible candidates per gap.
        let limit = if cd.drop.len() > 8 {
            COMPLETION_CANDIDATES
        } else {
            COMPLETION_CANDIDATES_SMALL_D
        };
        let mut picked = [('\0', 0f32); COMPLETION_CANDIDATES];
        let mut n_picked = 0;
        for &(c, cc) in entry
            .0
            .iter()
            .take_while(|&&(_, cc)| cc <= floor + 2.0 * MAX_PMI)
            .take(limit)
        {
            picked[n_picked] = (c, cc);
            n_picked += 1;
        }
        let mut cands = std::mem::take(&mut self.scratch);
        cands.clear();
        let next = self.next;
        for &(c, _) in &picked[..n_picked] {
            let cst = k as f32 * LAMBDA + self.emit(p.last, c);
            cands.push((c, cst));
        }
        // The cheapest completions miss rarer characters that a neighbour makes likely (域 after
        // 领, when both of its continuation bytes were dropped): add those. The right neighbour
        // is the strict reading of what follows, right less often.
        for (anchor, before) in [(p.last, false), (next, true)] {
            if !is_han(anchor) {
                continue;
            }
            let found = self.neighbour_fits(anchor, before, pattern, &p.pend, n);
            for c in found
                .iter()
                .take_while(|&&b| b != 0)
                .filter_map(|&b| char::from_u32(u32::from(b)))
            {
                if !cands.iter().any(|&(x, _)| x == c) {
                    let cst = k as f32 * LAMBDA + self.emit(p.last, c);
                    cands.push((c, cst));
                }
            }
        }
        // Keep the ones that fit both neighbours (the right one scores for real when it comes).
        let mut ranked = [(0f32, '\0', 0f32); COMPLETION_CANDIDATES + 2 * SUCCESSORS_ADDED];
        let n_ranked = cands.len().min(ranked.len());
        for (slot, &(c, cst)) in ranked.iter_mut().zip(&cands) {
            let r = if next == '\0' {
                cst
            } else {
                cst - pmi(t, c, next)
            };
            *slot = (r, c, cst);
        }
        let ranked = &mut ranked[..n_ranked];
        ranked.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (slot, &(_, c, cst)) in result.kept.iter_mut().zip(ranked.iter()) {
            *slot = (c, cst);
            result.n += 1;
        }
        self.scratch = cands;
        result
    }

    /// Feeds one byte through the chain's decoder.
    fn feed(&mut self, p: P, b: u8, out: &mut Vec<P>) {
        match self.cd.decoder {
            Decoder::Utf8 => self.feed_utf8(p, b, out, false, false),
            Decoder::Dbcs(t) => self.feed_dbcs(p, b, t, out),
        }
    }

    fn feed_utf8(&mut self, p: P, b: u8, out: &mut Vec<P>, inserted: bool, amb: bool) {
        let ins = u8::from(inserted);
        if p.pend.len == 0 {
            if b < 0x80 {
                out.push(self.emit_dec(p, b as char, Tok::Dec, 0.0));
            } else if utf8_need(b) > 0 {
                let pend = Pend {
                    b: [b, 0, 0],
                    len: 1,
                    ins,
                    amb,
                };
                out.push(P { pend, ..p });
            } else {
                out.push(self.lost(p));
            }
            return;
        }
        if utf8_cont_ok(&p.pend, b) {
            let mut pend = p.pend;
            let need = utf8_need(pend.b[0]);
            if pend.len + 1 == need {
                let mut full = [0u8; 4];
                full[..pend.len as usize].copy_from_slice(&pend.b[..pend.len as usize]);
                full[pend.len as usize] = b;
                match char_of(&full[..need as usize]) {
                    Some(c) => {
                        let tok = Self::tok_for(&pend, ins, amb);
                        out.push(self.emit_dec(p, c, tok, 0.0));
                    }
                    None => out.push(self.lost(p)),
                }
            } else {
                pend.b[pend.len as usize] = b;
                pend.len += 1;
                pend.ins += ins;
                pend.amb |= amb;
                out.push(P { pend, ..p });
            }
            return;
        }
        let mut closed = Vec::new();
        self.close(p, &mut closed);
        for q in closed {
            self.feed_utf8(q, b, out, inserted, amb);
        }
    }

    fn feed_dbcs(&mut self, p: P, b: u8, t: &Dbcs, out: &mut Vec<P>) {
        if p.pend.len == 0 {
            if b < 0x80 {
                out.push(self.emit_dec(p, b as char, Tok::Dec, 0.0));
            } else if t.is_lead(b) {
                out.push(P {
                    pend: Pend {
                        b: [b, 0, 0],
                        len: 1,
                        ins: 0,
                        amb: false,
                    },
                    ..p
                });
            } else if let Some(c) = t.single(b) {
                out.push(self.emit_dec(p, c, Tok::Dec, 0.0));
            } else {
                out.push(self.lost(p));
            }
            return;
        }
        let l = p.pend.b[0];
        // Eager insertion: a stripped byte (D) may have stood between the lead and this byte.
        for i in 0..self.cd.drop.len() {
            let d = self.cd.drop[i];
            if let Some(c) = t.pair(l, d) {
                let q = self.emit_dec(
                    p,
                    c,
                    Tok::Restored {
                        bytes: 1,
                        ambiguous: false,
                    },
                    LAMBDA,
                );
                self.feed_dbcs(q, b, t, out);
            }
        }
        match t.pair(l, b) {
            Some(c) => {
                // GB2312, which nearly all GBK text stays within, has no ASCII trail bytes.
                let extra = if b < 0x80 && self.cd.ascii_trail_rare {
                    ASCII_TRAIL
                } else {
                    0.0
                };
                out.push(self.emit_dec(p, c, Tok::Dec, extra))
            }
            None => {
                let q = self.lost(p);
                if b < 0x80 {
                    self.feed_dbcs(q, b, t, out);
                } else {
                    out.push(q);
                }
            }
        }
    }
}

/// Runs the Viterbi of one chain over one line; `tau` is the cost of entering a re-decoded run.
pub(crate) fn run(t: &Tables, cd: &ChainData, line: &[char], tau: f32) -> LineOut {
    let (completions, successor_fits) = COMPLETIONS
        .with(|c| c.take())
        .filter(|(id, _, _)| *id == t.id)
        .map(|(_, c, s)| (c, s))
        .unwrap_or_default();
    let closures = CLOSURES
        .with(|c| c.take())
        .unwrap_or_else(|| vec![EMPTY_CLOSURE; CLOSURE_SLOTS].into_boxed_slice());
    let mut v = Vit {
        t,
        cd,
        nodes: NODES.with(|c| c.take()).unwrap_or_default(),
        scratch: Vec::new(),
        completions,
        successor_fits,
        closures,
        emit_cache: EmitCache::take(t),
        close_budget: CLOSE_BUDGET,
        next: '\0',
    };
    let look = lookahead(cd, line);
    let start = P {
        cost: 0.0,
        last: '\0',
        pend: Pend::default(),
        node: ROOT,
    };
    let mut states = vec![St {
        p: start,
        dec: false,
    }];
    let mut next: Vec<St> = Vec::new();
    let mut parts: Vec<P> = Vec::new();
    let mut parts2: Vec<P> = Vec::new();
    let mut closed: Vec<P> = Vec::new();
    let mut alts: Vec<Alt> = Vec::new();
    for (i, &ch) in line.iter().enumerate() {
        next.clear();
        alts.clear();
        alts.extend(cd.alts(ch));
        let in_alpha = !alts.is_empty();
        let prev_in = if i > 0 { Some(line[i - 1]) } else { None };
        let wild = match cd.wildcard {
            Some(dbcs) if ch == '\u{FFFD}' || ch == '?' => {
                Some(wildcards(dbcs, cd, line.get(i + 1).copied()))
            }
            _ => None,
        };
        let mut closed_pending = false;
        v.close_budget = CLOSE_BUDGET;
        for &s in &states {
            // Keep ch as written.
            closed.clear();
            v.next = ch;
            if s.dec && s.p.pend.len > 0 {
                // Closing a pending sequence to keep ch: for ASCII the re-decode path does the same
                // (the byte ends the sequence); for other alphabet characters only the cheapest
                // pending state is worth it (states are sorted by cost).
                if !(ch.is_ascii() || (in_alpha && closed_pending)) {
                    closed_pending = true;
                    v.close(s.p, &mut closed);
                }
            } else {
                closed.push(s.p);
            }
            let extra = if !s.dec {
                prev_in.map_or(0.0, |p| pair_pen(p, ch))
            } else if in_alpha && !ch.is_ascii() {
                LEAVE
            } else {
                glue(s.p.last, ch)
            };
            for &q in &closed {
                let cost = q.cost + extra + v.emit(q.last, ch);
                let node = v.push(q.node, ch, Tok::Orig);
                next.push(St {
                    p: P {
                        cost,
                        last: ch,
                        pend: Pend::default(),
                        node,
                    },
                    dec: false,
                });
            }
            // Re-decode ch through the chain.
            v.next = look.get(i).copied().unwrap_or('\0');
            for alt in &alts {
                let c0 = s.p.cost + alt.cost + if s.dec { 0.0 } else { tau };
                parts.clear();
                parts.push(P { cost: c0, ..s.p });
                for &b in alt.bytes() {
                    parts2.clear();
                    for &p in &parts {
                        v.feed(p, b, &mut parts2);
                    }
                    std::mem::swap(&mut parts, &mut parts2);
                }
                next.extend(parts.iter().map(|&p| St { p, dec: true }));
            }
            // A U+FFFD or `?` standing for one lost byte of a pending UTF-8 sequence.
            if let Some((ws, amb)) = &wild {
                if s.dec && s.p.pend.len > 0 {
                    for &w in ws {
                        parts.clear();
                        let p = P {
                            cost: s.p.cost + LAMBDA,
                            ..s.p
                        };
                        v.feed_utf8(p, w, &mut parts, true, *amb);
                        next.extend(parts.iter().map(|&p| St { p, dec: true }));
                    }
                }
            }
        }
        prune(&mut next);
        std::mem::swap(&mut states, &mut next);
    }
    // Close what is still pending: a truncated last character.
    v.close_budget = CLOSE_BUDGET;
    v.next = '\0';
    let mut best: Option<P> = None;
    for s in &states {
        closed.clear();
        if s.dec && s.p.pend.len > 0 {
            v.close(s.p, &mut closed);
        } else {
            closed.push(s.p);
        }
        for &q in &closed {
            if best.is_none_or(|b| q.cost < b.cost) {
                best = Some(q);
            }
        }
    }
    let best = best.unwrap_or(start);
    let mut toks = Vec::new();
    let mut n = best.node;
    while n != ROOT {
        let node = v.nodes[n as usize];
        toks.push((node.ch, node.tok));
        n = node.parent;
    }
    toks.reverse();
    let Vit {
        emit_cache,
        completions,
        successor_fits,
        closures,
        mut nodes,
        ..
    } = v;
    emit_cache.put();
    nodes.clear();
    NODES.with(|c| c.set(Some(nodes)));
    COMPLETIONS.with(|c| c.set(Some((t.id, completions, successor_fits))));
    CLOSURES.with(|c| c.set(Some(closures)));
    let mut out = LineOut {
        cost: best.cost,
        text: String::with_capacity(line.len() * 3),
        bytes_restored: 0,
        ambiguous: 0,
        lost: 0,
        changed: false,
    };
    for (c, tok) in toks {
        out.text.push(c);
        match tok {
            Tok::Orig => {}
            Tok::Dec => out.changed |= !c.is_ascii(),
            Tok::Restored { bytes, ambiguous } => {
                out.changed = true;
                out.bytes_restored += bytes as usize;
                out.ambiguous += usize::from(ambiguous);
            }
            Tok::Lost => out.lost += 1,
        }
    }
    out
}

/// A re-decoded Han character glued to a Latin letter ("r殚lu" from "réélu") is rarely right.
#[inline]
fn glue(prev: char, c: char) -> f32 {
    if (prev.is_ascii_alphabetic() && is_han(c)) || (is_han(prev) && c.is_ascii_alphabetic()) {
        LATIN_HAN
    } else {
        0.0
    }
}

/// The bytes a wildcard may stand for: 0x80–0xBF, minus those the legacy decoder would have paired
/// with the next real byte (it would have consumed that byte instead of emitting U+FFFD).
fn wildcards(dbcs: &Dbcs, cd: &ChainData, next: Option<char>) -> (Vec<u8>, bool) {
    let nb = next.and_then(|c| cd.first(c)).map(|a| a.bytes[0]);
    let ws: Vec<u8> = (0x80..=0xBFu8)
        .filter(|&w| match nb {
            Some(nb) => !(dbcs.is_lead(w) && dbcs.pair(w, nb).is_some()),
            None => true,
        })
        .collect();
    let amb = ws.len() > 1;
    (ws, amb)
}

/// Keeps the best state per (mode, last char, pending bytes), then the best `BEAM` of them.
fn prune(states: &mut Vec<St>) {
    let min = states
        .iter()
        .map(|s| s.p.cost)
        .fold(f32::INFINITY, f32::min);
    let limit = min + BEAM_COST;
    states.retain(|s| s.p.cost <= limit);
    // Only the cheapest few can make the beam: select them before sorting.
    let short = 4 * BEAM;
    if states.len() > short {
        states.select_nth_unstable_by(short - 1, |a, b| a.p.cost.total_cmp(&b.p.cost));
        states.truncate(short);
    }
    states.sort_unstable_by(|a, b| a.p.cost.total_cmp(&b.p.cost));
    let mut kept = 0;
    for i in 0..states.len() {
        if kept == BEAM {
            break;
        }
        let s = states[i];
        if !states[..kept]
            .iter()
            .any(|k| k.dec == s.dec && k.p.last == s.p.last && k.p.pend == s.p.pend)
        {
            states[kept] = s;
            kept += 1;
        }
    }
    states.truncate(kept);
}

/// The part of a completion-cache key that names the chain.
#[inline]
fn cd_key(cd: &ChainData) -> u64 {
    cd.chain as u64
}

/// For UTF-8 chains, the character the strict reading of the line decodes at each position
/// (`'\0'` where it does not decode): the likely right neighbour of a restoration there.
fn lookahead(cd: &ChainData, line: &[char]) -> Vec<char> {
    if !matches!(cd.decoder, Decoder::Utf8) || cd.drop.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(line.len());
    for i in 0..line.len() {
        let mut buf = [0u8; 4];
        let mut n = 0;
        for &c in &line[i..line.len().min(i + 4)] {
            let Some(a) = cd.first(c) else { break };
            for &b in a.bytes() {
                if n < 4 {
                    buf[n] = b;
                    n += 1;
                }
            }
            if n >= 4 {
                break;
            }
        }
        if n == 0 {
            // Outside the alphabet: the character stays as written.
            out.push(line[i]);
            continue;
        }
        let c = match buf[0] {
            b if b < 0x80 => b as char,
            b => {
                let need = utf8_need(b) as usize;
                if need == 0 || need > n {
                    '\0'
                } else {
                    char_of(&buf[..need]).unwrap_or('\0')
                }
            }
        };
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::chains::Chain;
    use crate::decode::damage::{corrupt_with, Damage};
    use crate::decode::tables::TABLES;

    #[test]
    fn a_character_that_lost_both_continuation_bytes_follows_its_left_neighbour() {
        // UTF-8 read as Latin-1 with 0x80–0x9F dropped: 品 (E5 93 81) keeps only its lead byte,
        // one of about a thousand characters, and too many cheaper ones to be among the
        // cheapest completions. 产 before it makes it likely.
        let t = &*TABLES;
        let cd = Chain::Utf8Latin1.data();
        let lossy = Damage {
            chain: Chain::Utf8Latin1,
            lossy: true,
        };
        for word in ["产品", "以及", "如果", "区域"] {
            let second = word.chars().nth(1).expect("a two-character word");
            let pend = Pend {
                b: [second.encode_utf8(&mut [0u8; 4]).as_bytes()[0], 0, 0],
                len: 1,
                ins: 0,
                amb: false,
            };
            let cheapest = completions(t, cd, &pend, 3).0;
            assert!(
                !cheapest.iter().any(|&(c, _)| c == second),
                "{word}: the cheapest completions already hold it"
            );
            let broken = String::from_utf8(corrupt_with(word, lossy, 1)).expect("UTF-8");
            let chars: Vec<char> = broken.chars().collect();
            assert_eq!(run(t, cd, &chars, TAU).text, word, "from {broken:?}");
        }
    }
}
