//! Export stage: a result set of papers → CSV, JSON Lines, CSL-JSON, BibTeX or Markdown.
//!
//! Papers are written in the order given (relevance order from the query). CSV, JSON Lines
//! and Markdown stream one paper at a time; CSL-JSON and BibTeX first read the whole result
//! set, because their citation keys must not depend on that order (see [`citekey`]).
//!
//! Every error is an [`std::io::Error`] from the destination, passed on unchanged, so a closed
//! pipe reaches the CLI as [`std::io::ErrorKind::BrokenPipe`] and it can end quietly.
#![warn(missing_docs)]

mod bibtex;
pub mod citekey;
mod csl;
mod csv;
mod jsonl;
mod markdown;
pub mod names;

use crate::index::StoredPaper;
use anyhow::Context;
use std::fmt;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// An output format of `papersift export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// RFC 4180 CSV, one row per paper, lists joined with `; `.
    Csv,
    /// JSON Lines: one object per paper with every stored field and the full text.
    Jsonl,
    /// CSL-JSON: one array of CSL items (Zotero, pandoc, citeproc).
    CslJson,
    /// BibTeX entries for LaTeX.
    Bibtex,
    /// A Markdown table: linked title, authors, venue, year.
    Markdown,
}

impl ExportFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Csv,
        ExportFormat::Jsonl,
        ExportFormat::CslJson,
        ExportFormat::Bibtex,
        ExportFormat::Markdown,
    ];

    /// The name used on the command line (`csv`, `jsonl`, `csl-json`, `bibtex`, `markdown`).
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::CslJson => "csl-json",
            ExportFormat::Bibtex => "bibtex",
            ExportFormat::Markdown => "markdown",
        }
    }

    /// The usual file extension, without the dot, for naming output files.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::CslJson => "json",
            ExportFormat::Bibtex => "bib",
            ExportFormat::Markdown => "md",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of [`ExportFormat::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format {0:?}: expected one of csv, jsonl, csl-json, bibtex, markdown")]
pub struct UnknownFormat(pub String);

impl FromStr for ExportFormat {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Accept the spellings people type from habit (`bib`, `md`, `ndjson`) as well.
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "jsonl" | "json-lines" | "jsonlines" | "ndjson" => Ok(ExportFormat::Jsonl),
            "csl-json" | "csljson" | "csl" => Ok(ExportFormat::CslJson),
            "bibtex" | "bib" => Ok(ExportFormat::Bibtex),
            "markdown" | "md" => Ok(ExportFormat::Markdown),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

/// Settings that change the bytes written, not which papers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Start CSV output with a UTF-8 byte order mark (Excel on Chinese Windows needs it to
    /// read UTF-8). Ignored by the other formats, where a BOM only breaks parsers.
    pub bom: bool,
}

/// Streams `papers`, in the given order, to `w` in `format`.
///
/// Errors are the destination's io errors, kind unchanged (a closed pipe is `BrokenPipe`).
pub fn write(
    papers: impl IntoIterator<Item = StoredPaper>,
    format: ExportFormat,
    opts: &ExportOptions,
    w: &mut dyn Write,
) -> io::Result<()> {
    // Formats emit many small pieces; buffer them so a pipe or file sees few large writes.
    let mut out = BufWriter::with_capacity(64 * 1024, w);
    let papers = papers.into_iter();
    match format {
        ExportFormat::Csv => csv::write(papers, opts, &mut out)?,
        ExportFormat::Jsonl => jsonl::write(papers, &mut out)?,
        ExportFormat::CslJson => csl::write(papers, &mut out)?,
        ExportFormat::Bibtex => bibtex::write(papers, &mut out)?,
        ExportFormat::Markdown => markdown::write(papers, &mut out)?,
    }
    out.flush()
}

/// Writes `papers` to `path` atomically: a temporary file in the same directory, fsync,
/// then rename over `path`, so readers never see half an export and a failure leaves any
/// previous file untouched.
pub fn write_to_file(
    path: &Path,
    papers: impl IntoIterator<Item = StoredPaper>,
    format: ExportFormat,
    opts: &ExportOptions,
) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (tmp, file) = create_temp(&dir, path)
        .with_context(|| format!("creating a temporary file next to {}", path.display()))?;
    let result = (|| -> anyhow::Result<()> {
        let mut file = file;
        write(papers, format, opts, &mut file)
            .with_context(|| format!("writing {}", tmp.display()))?;
        file.sync_all()
            .with_context(|| format!("syncing {}", tmp.display()))?;
        drop(file);
        fs::rename(&tmp, path)
            .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        // Best effort: the error being returned matters more than a failed cleanup.
        let _ = fs::remove_file(&tmp);
    }
    result.with_context(|| format!("exporting to {}", path.display()))?;
    // Makes the rename itself durable; some filesystems refuse to sync a directory, which
    // only weakens durability, not correctness, so that is not an error.
    if let Ok(d) = fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Creates a new, uniquely named hidden file in `dir` for an export to `path`.
fn create_temp(dir: &Path, path: &Path) -> io::Result<(PathBuf, fs::File)> {
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_string());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut last = None;
    // `create_new` never follows or clobbers an existing file; retry on the rare name clash.
    for attempt in 0..100u32 {
        let name = format!(
            ".{base}.{}.{:08x}.tmp",
            std::process::id(),
            nanos.wrapping_add(attempt)
        );
        let tmp = dir.join(name);
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// What kind of publication a paper is, as far as citation formats care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PubKind {
    /// Conference (or workshop) proceedings; also venues missing from the table.
    Conference,
    /// Journal article.
    Journal,
    /// Preprint (arXiv), or no venue at all.
    Preprint,
}

/// A paper's venue as citation formats need it.
#[derive(Debug, Clone)]
pub(crate) struct PubInfo {
    /// Publication kind.
    pub kind: PubKind,
    /// Short name (`CVPR`), when the paper has a non-preprint venue.
    pub short: Option<String>,
    /// Proceedings or journal title: `{full} ({name})` for known venues, else the name as stored.
    pub container: Option<String>,
}

/// Classifies a paper by its venue against the venue table.
pub(crate) fn pub_info(p: &StoredPaper) -> PubInfo {
    let preprint = PubInfo {
        kind: PubKind::Preprint,
        short: None,
        container: None,
    };
    let Some(venue) = p.venue.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return preprint;
    };
    match crate::meta::venue::lookup(venue) {
        Some(v) if v.kind == "preprint" => preprint,
        Some(v) => {
            let container = if v.full.trim().is_empty() || v.full == v.name {
                v.name.clone()
            } else {
                format!("{} ({})", v.full, v.name)
            };
            PubInfo {
                kind: if v.kind == "journal" {
                    PubKind::Journal
                } else {
                    PubKind::Conference
                },
                short: Some(v.name.clone()),
                container: Some(container),
            }
        }
        // The venue table has no preprint servers yet, so recognise them by name.
        None if is_preprint_server(venue) => preprint,
        // An unknown venue is most often a workshop or a smaller conference.
        None => PubInfo {
            kind: PubKind::Conference,
            short: Some(venue.to_string()),
            container: Some(venue.to_string()),
        },
    }
}

fn is_preprint_server(venue: &str) -> bool {
    let v: String = venue
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        v.as_str(),
        "arxiv" | "corr" | "arxivpreprint" | "preprint" | "biorxiv" | "medrxiv" | "openreview"
    )
}

/// The arXiv category to cite as `primaryClass`, when the paper tells us.
///
/// The category a page stated wins; old-style ids carry one (`cs/0112017` → `cs`); then a
/// topic or keyword spelled as a category (`cs.CV`), then a topic mapped to exactly one category.
/// Narrow topics are not mapped: a wrong category is worse than none.
pub(crate) fn arxiv_primary_class(p: &StoredPaper) -> Option<String> {
    static CATEGORY: once_cell::sync::Lazy<regex::Regex> = once_cell::sync::Lazy::new(|| {
        regex::Regex::new(concat!(
            r"^(?:(?:cs|math|stat|eess|econ|q-bio|q-fin|physics|astro-ph|cond-mat|nlin)\.[A-Za-z-]{2,}",
            r"|quant-ph|gr-qc|hep-(?:th|ph|ex|lat)|nucl-(?:th|ex)|math-ph)$"
        ))
            .expect("constant regex")
    });
    if let Some(c) = p
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| CATEGORY.is_match(c))
    {
        return Some(c.to_string());
    }
    if let Some(id) = &p.arxiv_id {
        if let Some((archive, _)) = id.split_once('/') {
            if !archive.is_empty() {
                return Some(archive.to_string());
            }
        }
    }
    if let Some(c) = p
        .topics
        .iter()
        .chain(&p.keywords)
        .map(|s| s.trim())
        .find(|s| CATEGORY.is_match(s))
    {
        return Some(c.to_string());
    }
    // A topic whose papers all sit in one arXiv category (index-schema/topics.toml).
    p.topics.iter().find_map(|t| {
        let topic = crate::meta::topic::all().iter().find(|x| &x.id == t)?;
        match topic.arxiv.as_slice() {
            [only] => Some(only.clone()),
            _ => None,
        }
    })
}

/// Whether the paper has an arXiv id worth citing as an eprint.
pub(crate) fn arxiv_id(p: &StoredPaper) -> Option<&str> {
    p.arxiv_id
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for f in ExportFormat::ALL {
            assert_eq!(f.name().parse::<ExportFormat>(), Ok(f));
            assert_eq!(f.to_string(), f.name());
        }
        assert_eq!("BIB".parse::<ExportFormat>(), Ok(ExportFormat::Bibtex));
        assert!("xml".parse::<ExportFormat>().is_err());
    }

    #[test]
    fn venues_classify() {
        let mut p = StoredPaper {
            venue: Some("cvpr".into()),
            ..Default::default()
        };
        let i = pub_info(&p);
        assert_eq!(i.kind, PubKind::Conference);
        assert_eq!(
            i.container.as_deref(),
            Some("IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)")
        );
        p.venue = Some("TPAMI".into());
        assert_eq!(pub_info(&p).kind, PubKind::Journal);
        p.venue = Some("arXiv".into());
        assert_eq!(pub_info(&p).kind, PubKind::Preprint);
        p.venue = None;
        assert_eq!(pub_info(&p).kind, PubKind::Preprint);
        p.venue = Some("Foo Workshop".into());
        assert_eq!(pub_info(&p).kind, PubKind::Conference);
    }

    #[test]
    fn primary_class() {
        let mut p = StoredPaper {
            arxiv_id: Some("cs/0112017".into()),
            ..Default::default()
        };
        assert_eq!(arxiv_primary_class(&p).as_deref(), Some("cs"));
        p.arxiv_id = Some("2303.11870".into());
        assert_eq!(arxiv_primary_class(&p), None);
        p.category = Some("cs.CV".into());
        assert_eq!(arxiv_primary_class(&p).as_deref(), Some("cs.CV"));
        p.category = None;
        p.keywords = vec!["physics".into(), "eess.IV".into()];
        assert_eq!(arxiv_primary_class(&p).as_deref(), Some("eess.IV"));
        p.keywords = vec!["quant-ph".into()];
        assert_eq!(arxiv_primary_class(&p).as_deref(), Some("quant-ph"));
    }
}
