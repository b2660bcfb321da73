//! Analyze stage: text → tokens for the index, for queries and for snippets.
//!
//! Three modes share one folded character stream (see [`fold`]):
//! - [`Mode::Words`]: Latin words lowercased and stemmed, letter/digit runs split
//!   (`CVPR2023` → `cvpr`, `2023`), Han runs segmented by jieba.
//! - [`Mode::HanBigrams`]: overlapping Han character bigrams, so that a two-character
//!   word is found inside any longer word jieba made of it (`简单` in `安装简单`).
//! - [`Mode::Names`]: Latin words unstemmed, Han characters one by one (author names).
//!
//! Separators (whitespace, punctuation) never become tokens, and offsets always point
//! at character boundaries of the original text.

pub mod fold;

use once_cell::sync::Lazy;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

pub use fold::{fold_char, fold_str, han_variants, is_han};

/// How a text is cut into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// jieba words + stemmed Latin words.
    Words,
    /// Han bigrams only (Latin text yields nothing).
    HanBigrams,
    /// Unstemmed Latin words + single Han characters.
    Names,
    /// Stemmed Latin words only: what a query compiles from its non-Han text, without
    /// paying for jieba's dictionary.
    Latin,
}

/// Tokenizer names as `index-schema/schema.toml` refers to them.
pub const WORDS: &str = "ps_words";
/// See [`WORDS`].
pub const HAN_BIGRAMS: &str = "ps_bigrams";
/// See [`WORDS`].
pub const NAMES: &str = "ps_names";

/// One token: folded text and its byte range in the original string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    /// The term as indexed.
    pub text: String,
    /// Byte offset of the first character in the original text.
    pub from: usize,
    /// Byte offset just past the last character.
    pub to: usize,
    /// Token position (phrase queries rely on it).
    pub position: usize,
}

// Building jieba's dictionary costs 100+ ms, so only indexing pays for it, once per process.
static JIEBA: Lazy<jieba_rs::Jieba> = Lazy::new(jieba_rs::Jieba::new);

/// True once jieba's dictionary has been built in this process (the query path must not).
pub fn jieba_loaded() -> bool {
    Lazy::get(&JIEBA).is_some()
}

thread_local! {
    static STEMMER: frostem::Stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
}

/// Stems one lowercased English word (letters only; others are returned as they are).
pub fn stem(word: &str) -> String {
    if word.len() < 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_string();
    }
    STEMMER.with(|s| s.stem(word).into_owned())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Sep,
    Han,
    /// Kana and Hangul: no jieba for them, one token per character.
    OtherCjk,
    Letter,
    Digit,
}

/// Kana and Hangul: indexed one character at a time, like Han in [`Mode::Names`].
pub fn is_kana_or_hangul(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x31F0..=0x31FF | 0xAC00..=0xD7AF | 0x1100..=0x11FF | 0xFF66..=0xFF9F)
}

fn class_of(orig: char, folded: Option<char>) -> Class {
    match folded {
        None => Class::Sep,
        Some(_) if is_han(orig) => Class::Han,
        Some(f) if f.is_ascii_digit() || (!f.is_ascii() && f.is_numeric()) => Class::Digit,
        Some(_) if is_kana_or_hangul(orig) => Class::OtherCjk,
        Some(_) => Class::Letter,
    }
}

/// A run of same-class characters: folded text plus the original byte offset of each char.
struct Run {
    class: Class,
    folded: String,
    /// Original byte start of each folded char, plus one final entry: the run's end.
    offsets: Vec<usize>,
}

fn runs(text: &str, mut f: impl FnMut(&Run)) {
    let mut run = Run {
        class: Class::Sep,
        folded: String::new(),
        offsets: Vec::new(),
    };
    let flush = |run: &mut Run, end: usize, f: &mut dyn FnMut(&Run)| {
        if run.class != Class::Sep && !run.folded.is_empty() {
            run.offsets.push(end);
            f(run);
        }
        run.folded.clear();
        run.offsets.clear();
    };
    for (i, c) in text.char_indices() {
        let folded = fold_char(c);
        let class = class_of(c, folded);
        if class != run.class || class == Class::OtherCjk {
            flush(&mut run, i, &mut f);
            run.class = class;
        }
        if let Some(fc) = folded {
            run.folded.push(fc);
            run.offsets.push(i);
        }
    }
    flush(&mut run, text.len(), &mut f);
}

/// Cuts `text` into tokens in the given mode, calling `sink` for each in order.
pub fn analyze(text: &str, mode: Mode, mut sink: impl FnMut(Tok)) {
    let mut pos = 0usize;
    runs(text, |run| {
        let n = run.offsets.len() - 1;
        match (run.class, mode) {
            (Class::Letter | Class::Digit, Mode::HanBigrams) => {}
            (Class::Han | Class::OtherCjk, Mode::Latin) => {}
            (Class::Letter, Mode::Words | Mode::Latin) => {
                sink(Tok {
                    text: stem(&run.folded),
                    from: run.offsets[0],
                    to: run.offsets[n],
                    position: pos,
                });
                pos += 1;
            }
            (Class::Letter | Class::Digit, _) => {
                sink(Tok {
                    text: run.folded.clone(),
                    from: run.offsets[0],
                    to: run.offsets[n],
                    position: pos,
                });
                pos += 1;
            }
            (Class::Han, Mode::Words) => {
                let mut ci = 0usize;
                for w in JIEBA.cut(&run.folded, true) {
                    let len = w.word.chars().count();
                    sink(Tok {
                        text: w.word.to_string(),
                        from: run.offsets[ci],
                        to: run.offsets[ci + len],
                        position: pos,
                    });
                    pos += 1;
                    ci += len;
                }
            }
            (Class::Han | Class::OtherCjk, Mode::HanBigrams) => {
                let chars: Vec<char> = run.folded.chars().collect();
                if chars.len() == 1 {
                    sink(Tok {
                        text: chars[0].to_string(),
                        from: run.offsets[0],
                        to: run.offsets[1],
                        position: pos,
                    });
                    pos += 1;
                } else {
                    for i in 0..chars.len() - 1 {
                        let mut t = String::with_capacity(8);
                        t.push(chars[i]);
                        t.push(chars[i + 1]);
                        sink(Tok {
                            text: t,
                            from: run.offsets[i],
                            to: run.offsets[i + 2],
                            position: pos,
                        });
                        pos += 1;
                    }
                }
                // A gap, so no phrase matches across two runs.
                pos += 1;
            }
            (Class::Han | Class::OtherCjk, _) => {
                for (i, c) in run.folded.chars().enumerate() {
                    sink(Tok {
                        text: c.to_string(),
                        from: run.offsets[i],
                        to: run.offsets[i + 1],
                        position: pos,
                    });
                    pos += 1;
                }
            }
            (Class::Sep, _) => {}
        }
    });
}

/// Convenience: all tokens of `text` as a vector.
pub fn tokens(text: &str, mode: Mode) -> Vec<Tok> {
    let mut v = Vec::new();
    analyze(text, mode, |t| v.push(t));
    v
}

/// Runs of Han (and other CJK) characters in `text`, folded: what a Han query searches.
pub fn han_runs(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    runs(text, |r| {
        if matches!(r.class, Class::Han | Class::OtherCjk) {
            v.push(r.folded.clone());
        }
    });
    v
}

/// A tantivy tokenizer running [`analyze`] in one mode.
#[derive(Clone)]
pub struct PaperTokenizer {
    mode: Mode,
}

impl PaperTokenizer {
    /// A tokenizer for `mode`.
    pub fn new(mode: Mode) -> Self {
        PaperTokenizer { mode }
    }
}

/// Token stream over precomputed tokens.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for PaperTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        analyze(text, self.mode, |t| {
            tokens.push(Token {
                offset_from: t.from,
                offset_to: t.to,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
        });
        VecTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Registers papersift's tokenizers on an index. tantivy does not store tokenizers, so every
/// open must call this.
pub fn register(index: &tantivy::Index) {
    let m = index.tokenizers();
    m.register(WORDS, PaperTokenizer::new(Mode::Words));
    m.register(HAN_BIGRAMS, PaperTokenizer::new(Mode::HanBigrams));
    m.register(NAMES, PaperTokenizer::new(Mode::Names));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str, m: Mode) -> Vec<String> {
        tokens(s, m).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn letter_digit_runs_split_and_full_width_folds() {
        assert_eq!(texts("CVPR2023", Mode::Words), ["cvpr", "2023"]);
        assert_eq!(texts("ＣＶＰＲ２０２３", Mode::Words), ["cvpr", "2023"]);
        assert_eq!(texts("ResNet-50", Mode::Words), ["resnet", "50"]);
    }

    #[test]
    fn english_is_stemmed_and_lowercased() {
        assert_eq!(
            texts("Learning Networks", Mode::Words),
            ["learn", "network"]
        );
    }

    #[test]
    fn whitespace_and_punctuation_never_become_tokens() {
        let t = texts("联邦学习  ，（CVPR）\t\n  模型。", Mode::Words);
        assert!(
            t.iter()
                .all(|w| !w.trim().is_empty() && w.chars().all(|c| c.is_alphanumeric())),
            "{t:?}"
        );
        let b = texts("联邦学习  ，模型。", Mode::HanBigrams);
        assert_eq!(b, ["联邦", "邦学", "学习", "模型"]);
    }

    #[test]
    fn han_bigrams_cover_buried_words() {
        let b = texts("中国农业发展银行", Mode::HanBigrams);
        assert!(b.contains(&"农业".to_string()));
    }

    #[test]
    fn traditional_text_yields_simplified_terms() {
        assert_eq!(
            texts("聯邦學習", Mode::HanBigrams),
            texts("联邦学习", Mode::HanBigrams)
        );
        assert_eq!(
            texts("聯邦學習", Mode::Words),
            texts("联邦学习", Mode::Words)
        );
    }

    #[test]
    fn offsets_are_char_boundaries_of_the_original_and_increase() {
        let s = "ＣＶＰＲ２０２３上的聯邦學習 ResNet-50 模型";
        for m in [Mode::Words, Mode::HanBigrams, Mode::Names] {
            let toks = tokens(s, m);
            let mut last = 0;
            for t in &toks {
                assert!(s.is_char_boundary(t.from) && s.is_char_boundary(t.to) && t.from < t.to);
                assert!(
                    t.from >= last || m == Mode::HanBigrams,
                    "offsets go backwards in {m:?}"
                );
                last = t.from;
            }
        }
    }

    #[test]
    fn names_keep_han_characters_one_by_one() {
        assert_eq!(
            texts("张三, Geoffrey Hinton", Mode::Names),
            ["张", "三", "geoffrey", "hinton"]
        );
    }
}
