//! Labelled lines (`**作者**: …`, `Authors: …`, `【论文下载】…`) and one-row metadata tables, read
//! into the metadata a record states about itself.

use super::{authors, text};
use crate::meta::labels::{self, Field};
use crate::meta::venue::{self, Mention};

/// Splits a labelled line into its field and value: `**Label**: v`, `**Label:** v`, `Label：v`,
/// `【Label】v`, optionally after a list marker. `None` when the label is not in the table.
pub fn label_line(line: &str) -> Option<(Field, &str)> {
    let s = text::strip_list_marker(line);
    if s.is_empty() || text::heading(s).is_some() {
        return None;
    }
    if let Some(inner) = s.strip_prefix("**") {
        let close = inner.find("**")?;
        let label = &inner[..close];
        let after = &inner[close + 2..];
        if let Some(l) = label.strip_suffix([':', '：']) {
            return labels::field_of(l).map(|f| (f, after.trim()));
        }
        let after = after.trim_start();
        let v = after.strip_prefix([':', '：'])?;
        return labels::field_of(label).map(|f| (f, v.trim()));
    }
    if let Some(inner) = s.strip_prefix('【') {
        let close = inner.find('】')?;
        let v = inner[close + '】'.len_utf8()..].trim_start();
        let v = v.strip_prefix([':', '：']).unwrap_or(v);
        return labels::field_of(&inner[..close]).map(|f| (f, v.trim()));
    }
    // Plain `Label: value`: the label is short and comes first.
    let (pos, c) = s
        .char_indices()
        .take(26)
        .find(|&(_, c)| c == ':' || c == '：')?;
    let label = &s[..pos];
    let v = &s[pos + c.len_utf8()..];
    // `https://…` is not a label line.
    if v.starts_with("//") {
        return None;
    }
    labels::field_of(label).map(|f| (f, v.trim()))
}

/// What a record states about itself through labelled lines.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    /// Title label.
    pub title: Option<String>,
    /// Authors label.
    pub authors: Vec<String>,
    /// Venue from a labelled venue line or a venue cue.
    pub venue: Option<Mention>,
    /// Venue found only in a paper URL (weaker than a stated venue).
    pub url_venue: Option<Mention>,
    /// Track label.
    pub track: Option<&'static str>,
    /// arXiv id.
    pub arxiv: Option<String>,
    /// Paper/PDF/project URLs.
    pub urls: Vec<String>,
    /// PDF link.
    pub pdf: Option<String>,
    /// Code URL.
    pub code: Option<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Field/topic labels.
    pub field_labels: Vec<String>,
    /// arXiv primary category.
    pub category: Option<String>,
    /// Date.
    pub date: Option<String>,
    /// Page URL.
    pub page_url: Option<String>,
}

fn push_url(v: &mut Vec<String>, u: &str) {
    if !v.iter().any(|x| x == u) {
        v.push(u.to_string());
    }
}

/// Splits a keyword-ish value on `,` `，` `、` `;` `；` (and `/` for field labels).
pub fn split_list(v: &str, slash: bool) -> Vec<String> {
    text::plain(v)
        .split(|c: char| {
            matches!(c, ',' | '，' | '、' | ';' | '；' | '|' | '｜') || (slash && c == '/')
        })
        .map(|s| {
            s.trim()
                .trim_matches(['"', '\'', '`', '*', '#'])
                .trim()
                .to_string()
        })
        .filter(|s| !s.is_empty() && s.chars().count() <= 60)
        .collect()
}

impl Fields {
    /// Records one labelled value; returns whether the line is metadata only (to be left out of
    /// the indexed text).
    pub fn take(&mut self, field: Field, value: &str) -> bool {
        let v = value.trim().trim_end_matches("  ");
        match field {
            Field::Title => {
                let t = super::title::clean(v);
                if !t.is_empty() && self.title.is_none() {
                    self.title = Some(t);
                }
            }
            Field::Authors => {
                if self.authors.is_empty() {
                    self.authors = authors::split(v);
                }
            }
            Field::Affiliations => {}
            Field::Venue => {
                let m = venue::find_in_labelled(v);
                let named = m.is_some();
                if self.venue.is_none() {
                    self.venue = m;
                }
                if self.track.is_none() {
                    self.track = labels::track_in(v);
                }
                // A `Comments:` line without a venue is prose worth indexing.
                return named || v.is_empty();
            }
            Field::Track => {
                if self.track.is_none() {
                    self.track = labels::normalize_track(v);
                }
            }
            Field::Arxiv => {
                if self.arxiv.is_none() {
                    self.arxiv = text::bare_arxiv_id(v);
                }
                for u in text::urls(v) {
                    push_url(&mut self.urls, &u);
                }
            }
            Field::Pdf | Field::Project => {
                for u in text::urls(v) {
                    if self.arxiv.is_none() {
                        self.arxiv = text::arxiv_id(&u);
                    }
                    if self.url_venue.is_none() {
                        self.url_venue = venue::from_url(&u);
                    }
                    if field == Field::Pdf && self.pdf.is_none() {
                        self.pdf = Some(u.clone());
                    }
                    push_url(&mut self.urls, &u);
                }
                if self.arxiv.is_none() {
                    self.arxiv = text::arxiv_id(v);
                }
            }
            Field::Code => {
                let us = text::urls(v);
                if self.code.is_none() {
                    self.code = us.first().cloned();
                }
                for u in us {
                    push_url(&mut self.urls, &u);
                }
            }
            Field::Abstract => return false,
            Field::Keywords => {
                for k in split_list(v, false) {
                    if !self.keywords.contains(&k) {
                        self.keywords.push(k);
                    }
                }
            }
            Field::Field => {
                for k in split_list(v, true) {
                    if !self.field_labels.contains(&k) {
                        self.field_labels.push(k);
                    }
                }
            }
            Field::Category => {
                if self.category.is_none() {
                    self.category = v
                        .split([' ', ',', ';', '('])
                        .next()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string);
                }
            }
            Field::Date => {
                if self.date.is_none() {
                    self.date = crate::meta::date::find_date(v);
                }
            }
            Field::Url => {
                if self.page_url.is_none() {
                    self.page_url = text::urls(v).into_iter().next();
                }
            }
        }
        true
    }

    /// Reads a venue cue line (`PDF Accepted (Poster) at ICML 2025`); returns whether it named one.
    pub fn cue(&mut self, line: &str) -> bool {
        if !labels::is_venue_cue(line) {
            return false;
        }
        // Prose says "widely accepted"; a cue needs the venue's year too, unless the line is
        // short enough to be a note rather than a sentence.
        let m = venue::find_in(line).or_else(|| {
            (line.chars().count() <= 60)
                .then(|| venue::find_in_labelled(line))
                .flatten()
        });
        let Some(m) = m else { return false };
        if self.venue.is_none() {
            self.venue = Some(m);
        }
        true
    }
}

/// Cells of a markdown table row.
fn cells(line: &str) -> Vec<&str> {
    let t = line.trim().trim_start_matches('|').trim_end_matches('|');
    t.split('|').map(str::trim).collect()
}

/// A one-row metadata table whose header cells are all labels (`| 会议 | 领域 | 关键词 |`):
/// feeds its values into `f` and returns how many lines it spans (0 when not such a table).
pub fn metadata_table(lines: &[&str], f: &mut Fields) -> usize {
    let Some(head) = lines.first() else { return 0 };
    if !head.trim_start().starts_with('|') {
        return 0;
    }
    let hs = cells(head);
    let fields: Vec<Option<Field>> = hs.iter().map(|h| labels::field_of(h)).collect();
    if hs.is_empty() || fields.iter().any(Option::is_none) {
        return 0;
    }
    let Some(sep) = lines.get(1) else { return 0 };
    if !sep.contains("---") {
        return 0;
    }
    let Some(row) = lines.get(2) else { return 2 };
    for (field, value) in fields.iter().zip(cells(row)) {
        if let Some(field) = field {
            f.take(*field, value);
        }
    }
    3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_forms() {
        assert_eq!(
            label_line("**会议**: CVPR 2025  "),
            Some((Field::Venue, "CVPR 2025"))
        );
        assert_eq!(
            label_line("- **arXiv**: [1](u)"),
            Some((Field::Arxiv, "[1](u)"))
        );
        assert_eq!(
            label_line("**论文作者：** 张三"),
            Some((Field::Authors, "张三"))
        );
        assert_eq!(label_line("Authors:A, B"), Some((Field::Authors, "A, B")));
        assert_eq!(
            label_line("【论文下载】[PDF](u)"),
            Some((Field::Pdf, "[PDF](u)"))
        );
        assert_eq!(
            label_line("Main category: cs.CV"),
            Some((Field::Category, "cs.CV"))
        );
        assert_eq!(label_line("**领域现状**：…"), None);
        assert_eq!(label_line("https://example.com"), None);
        assert_eq!(label_line("We note: this is prose"), None);
    }

    #[test]
    fn values() {
        let mut f = Fields::default();
        assert!(f.take(Field::Venue, "NeurIPS 2025 (Spotlight)"));
        assert!(f.take(
            Field::Arxiv,
            "[2409.13222](https://arxiv.org/abs/2409.13222)"
        ));
        assert!(f.take(Field::Authors, "张三（某大学），李四（某公司）"));
        let m = f.venue.clone().unwrap();
        assert_eq!(
            (m.venue, m.year, m.track),
            ("NeurIPS", Some(2025), Some("spotlight"))
        );
        assert_eq!(f.arxiv.as_deref(), Some("2409.13222"));
        assert_eq!(f.authors, vec!["张三", "李四"]);
        assert!(!f.take(Field::Venue, "9 pages, 7 figures"));
    }

    #[test]
    fn table() {
        let mut f = Fields::default();
        let lines = [
            "| 会议 | 领域 | 关键词 |",
            "|---|---|---|",
            "| ACL 2025 | 其他 / 对齐 | SFT, DPO |",
        ];
        assert_eq!(metadata_table(&lines, &mut f), 3);
        assert_eq!(f.venue.unwrap().venue, "ACL");
        assert_eq!(f.keywords, vec!["SFT", "DPO"]);
        assert_eq!(f.field_labels, vec!["其他", "对齐"]);
    }
}
