//! Conversion between [`Paper`] and tantivy documents.

use super::schema::Fields;
use crate::analyze::is_han;
use crate::merge::Paper;
use serde::Serialize;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

/// A paper as read back from the index (stored fields only).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct StoredPaper {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Authors.
    pub authors: Vec<String>,
    /// Venue acronym.
    pub venue: Option<String>,
    /// Track.
    pub track: Option<String>,
    /// Year.
    pub year: Option<u16>,
    /// Topic ids.
    pub topics: Vec<String>,
    /// Bare arXiv id.
    pub arxiv_id: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// URLs.
    pub urls: Vec<String>,
    /// Code URL.
    pub code_url: Option<String>,
    /// arXiv primary category.
    pub category: Option<String>,
    /// Page date.
    pub date: Option<String>,
    /// zh, en or mixed.
    pub lang: String,
    /// Source files as `path:line`.
    pub sources: Vec<String>,
    /// Full text.
    pub text: String,
}

impl StoredPaper {
    /// The URL a user opens first: the arXiv abstract page, else the first URL stated.
    pub fn url(&self) -> Option<String> {
        match &self.arxiv_id {
            Some(a) => Some(format!("https://arxiv.org/abs/{a}")),
            None => self.urls.first().cloned(),
        }
    }
}

/// Most text indexed for one paper. A summary is a few KiB; a record of megabytes is a dump
/// (a whole file read as one record), and tokenizing it costs about 7 bytes of memory per
/// byte, so only its beginning is indexed.
pub const MAX_INDEXED_TEXT: usize = 2 << 20;

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn capped(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Guesses the language of some texts, taken together, from their share of Han characters.
pub fn language_of(texts: &[&str]) -> &'static str {
    let (mut han, mut latin) = (0usize, 0usize);
    for c in texts.iter().flat_map(|t| t.chars()) {
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    // A Han character carries about as much as two Latin letters.
    if han == 0 {
        "en"
    } else if latin <= han * 2 {
        "zh"
    } else if han * 20 < latin {
        "en"
    } else {
        "mixed"
    }
}

/// Builds the tantivy document for a paper.
pub fn to_document(p: &Paper, f: &Fields) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.id, &p.id);
    d.add_text(f.title, &p.title);
    d.add_text(f.title_bi, &p.title);
    for a in &p.authors {
        d.add_text(f.authors, a);
    }
    if let Some(v) = &p.venue {
        d.add_text(f.venue, v);
    }
    if let Some(t) = &p.track {
        d.add_text(f.track, t);
    }
    if let Some(y) = p.year {
        d.add_u64(f.year, u64::from(y));
    }
    for t in &p.topics {
        d.add_text(f.topics, t);
    }
    if let Some(a) = &p.arxiv_id {
        d.add_text(f.arxiv_id, a);
    }
    for k in &p.keywords {
        d.add_text(f.keywords, k);
        d.add_text(f.keywords_bi, k);
    }
    let text = capped(&p.text, MAX_INDEXED_TEXT);
    d.add_text(f.body, text);
    d.add_text(f.body_bi, text);
    d.add_text(f.lang, language_of(&[&p.title, text]));
    for u in &p.urls {
        d.add_text(f.urls, u);
    }
    if let Some(c) = &p.code_url {
        d.add_text(f.code_url, c);
    }
    if let Some(c) = &p.category {
        d.add_text(f.category, c);
    }
    if let Some(dt) = &p.date {
        d.add_text(f.date, dt);
    }
    for s in &p.sources {
        d.add_text(
            f.sources,
            format!("{}:{}", s.path.to_string_lossy(), s.line),
        );
    }
    d
}

fn all_str(d: &TantivyDocument, field: tantivy::schema::Field) -> Vec<String> {
    d.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn first_str(d: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    d.get_first(field)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Reads a paper back from its stored fields.
pub fn from_document(d: &TantivyDocument, f: &Fields) -> StoredPaper {
    StoredPaper {
        id: first_str(d, f.id).unwrap_or_default(),
        title: first_str(d, f.title).unwrap_or_default(),
        authors: all_str(d, f.authors),
        venue: first_str(d, f.venue),
        track: first_str(d, f.track),
        year: d
            .get_first(f.year)
            .and_then(|v| v.as_u64())
            .and_then(|y| u16::try_from(y).ok()),
        topics: all_str(d, f.topics),
        arxiv_id: first_str(d, f.arxiv_id),
        keywords: all_str(d, f.keywords),
        urls: all_str(d, f.urls),
        code_url: first_str(d, f.code_url),
        category: first_str(d, f.category),
        date: first_str(d, f.date),
        lang: first_str(d, f.lang).unwrap_or_default(),
        sources: all_str(d, f.sources),
        text: first_str(d, f.body).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_guess() {
        assert_eq!(language_of(&["联邦学习在医疗影像中的应用"]), "zh");
        assert_eq!(
            language_of(&["Federated learning for medical imaging"]),
            "en"
        );
        assert_eq!(
            language_of(&["本文提出 FedAvg 的改进版本，称为 FedProx"]),
            "zh"
        );
    }
}
