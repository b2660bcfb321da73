//! The commands: wiring of stages behind each subcommand. Stages know nothing of this.

use crate::cli::{Cli, ColorChoice, Command, FilterArgs, Format, SortOrder};
use crate::index::IndexStore;
use crate::render::{self, Style};
use crate::{export, ingest, parse, query};
use anyhow::{bail, Context, Result};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Where the index lives when neither `--index` nor `PAPERSIFT_INDEX` says.
pub fn default_index_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("papersift").join("index")
}

fn style_for(choice: ColorChoice, stream_is_tty: bool) -> Style {
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stream_is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    Style { color }
}

/// Runs one command; `Ok` carries the exit status (search: 1 when nothing matched).
pub fn run(cli: Cli) -> Result<ExitCode> {
    let index_dir = cli.index.clone().unwrap_or_else(default_index_dir);
    let style = style_for(cli.color, io::stdout().is_terminal());
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = match cli.command {
        Command::Index {
            paths,
            strict,
            quiet,
            watch,
        } => {
            let roots = if paths.is_empty() {
                remembered_roots(&index_dir)?
            } else {
                paths
            };
            if watch {
                watch_folders(&index_dir, &roots, &mut out)?;
            }
            let mode = ingest::RunMode::Incremental;
            index(&index_dir, &roots, mode, strict, quiet, &mut out)?
        }
        Command::Reindex { quiet } => {
            let roots = remembered_roots(&index_dir)?;
            let mode = ingest::RunMode::Rebuild;
            index(&index_dir, &roots, mode, false, quiet, &mut out)?
        }
        Command::Search {
            query,
            limit,
            offset,
            format,
            sort,
            filters,
            explain,
            no_expand,
        } => {
            let store = IndexStore::open(&index_dir)?;
            let filters = filters_of(filters);
            let req = query::SearchRequest {
                query: filters.apply(&query.join(" ")),
                limit,
                offset,
                sort: sort_of(sort),
                explain,
                expand: !no_expand,
            };
            let res = query::search(&store, &req)?;
            match format {
                Format::Text => {
                    if let Some(e) = &res.explain {
                        writeln!(out, "{}", serde_json::to_string_pretty(e)?)?;
                    }
                    render::search_text(&mut out, &res, offset, &style)?
                }
                Format::Json => render::search_json(&mut out, &res)?,
                Format::Jsonl => render::search_jsonl(&mut out, &res)?,
            }
            if res.total == 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Export {
            query,
            format,
            output,
            bom,
            sort,
            filters,
            no_expand,
        } => {
            let store = IndexStore::open(&index_dir)?;
            let filters = filters_of(filters);
            let papers = query::search_all(
                &store,
                &filters.apply(&query.join(" ")),
                sort_of(sort),
                !no_expand,
            )?;
            let n = papers.len();
            let opts = export::ExportOptions { bom };
            match output {
                Some(path) => {
                    export::write_to_file(&path, papers, format, &opts)?;
                    eprintln!("papersift: wrote {n} papers to {}", path.display());
                }
                None => export::write(papers, format, &opts, &mut out)?,
            }
            if n == 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Show { id, format } => {
            let store = IndexStore::open(&index_dir)?;
            let id = query::strip_arxiv_version(id.trim());
            let Some(p) = store.get(id)? else {
                bail!(
                    "no paper with id {id:?} in the index at {}",
                    index_dir.display()
                );
            };
            match format {
                Format::Text => render::paper_text(&mut out, &p, &style)?,
                _ => {
                    serde_json::to_writer_pretty(&mut out, &p)?;
                    writeln!(out)?;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Stats { format } => {
            let store = IndexStore::open(&index_dir)?;
            let size = store.size_on_disk()?;
            let facets = query::facets::all(&store)?;
            match format {
                Format::Text => render::stats_text(&mut out, &store.meta, size, &facets, &style)?,
                _ => {
                    let mut v = serde_json::to_value(&store.meta)?;
                    v["index_bytes"] = size.into();
                    // What the index really holds, beside what the run recorded.
                    v["documents"] = store.reader.searcher().num_docs().into();
                    v["facets"] = facets;
                    serde_json::to_writer_pretty(&mut out, &v)?;
                    writeln!(out)?;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Inspect { file, format } => {
            inspect(&file, format, &index_dir, &mut out)?;
            ExitCode::SUCCESS
        }
    };
    out.flush()?;
    Ok(code)
}

fn filters_of(f: FilterArgs) -> query::Filters {
    query::Filters {
        venue: f.venue,
        year: f.year,
        topic: f.topic,
        author: f.author,
    }
}

fn sort_of(s: SortOrder) -> query::Sort {
    match s {
        SortOrder::Relevance => query::Sort::Relevance,
        SortOrder::Year => query::Sort::Year,
        SortOrder::Venue => query::Sort::Venue,
    }
}

fn remembered_roots(index_dir: &Path) -> Result<Vec<PathBuf>> {
    let live = crate::index::live_commit(index_dir)?.ok_or_else(|| {
        anyhow::anyhow!(
            "no index at {} yet: give a folder, as in `papersift index FOLDER`",
            index_dir.display()
        )
    })?;
    if live.meta.roots.is_empty() {
        bail!(
            "the index at {} remembers no folders: give one, as in `papersift index FOLDER`",
            index_dir.display()
        );
    }
    Ok(live.meta.roots)
}

fn index(
    index_dir: &Path,
    roots: &[PathBuf],
    mode: ingest::RunMode,
    strict: bool,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let started = Instant::now();
    let bar = if !quiet && io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new(0);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {prefix} [{bar:30}] {pos}/{len} files  {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let report = ingest::index_folders(index_dir, roots, mode, |p| {
        if let Some(s) = &p.skipped {
            let line = format!("papersift: skipped {}: {}", s.path, s.reason);
            match &bar {
                Some(b) => b.suspend(|| eprintln!("{line}")),
                None => eprintln!("{line}"),
            }
            return;
        }
        if let Some(b) = &bar {
            b.set_length(p.files_total as u64);
            b.set_position(p.files_done as u64);
            b.set_prefix(p.phase);
            let secs = started.elapsed().as_secs_f64().max(1e-3);
            b.set_message(format!(
                "{} records  {:.1} MB/s",
                p.records,
                p.bytes_done as f64 / 1e6 / secs
            ));
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Some(why) = report.rebuilt.as_deref().filter(|w| !w.is_empty()) {
        if mode == ingest::RunMode::Incremental {
            eprintln!("papersift: building the whole index anew: {why}");
        }
    }
    summary(out, &report, started.elapsed().as_secs_f64(), index_dir)?;
    Ok(if strict && !report.meta.skipped.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `index --watch` until stopped: one line per batch on `out`, errors on stderr.
fn watch_folders(index_dir: &Path, roots: &[PathBuf], out: &mut dyn Write) -> Result<()> {
    eprintln!(
        "papersift: watching {} for changes (Ctrl-C to stop)",
        roots
            .iter()
            .map(|r| r.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    crate::watch::watch(index_dir, roots, |report, took| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let stamp = format!(
            "{:02}:{:02}:{:02}Z",
            now / 3600 % 24,
            now / 60 % 60,
            now % 60
        );
        match report {
            Ok(r) => {
                for s in &r.new_skips {
                    eprintln!("papersift: skipped {}: {}", s.path, s.reason);
                }
                let _ = write!(out, "{stamp} ");
                let _ = summary(out, &r, took.as_secs_f64(), index_dir);
                let _ = out.flush();
            }
            // A batch that fails (a locked index, a full disk) leaves the index as it was;
            // the next batch tries again.
            Err(e) => eprintln!("papersift: {stamp} update failed: {e:#}"),
        }
    })
}

fn summary(out: &mut dyn Write, r: &ingest::RunReport, secs: f64, dir: &Path) -> io::Result<()> {
    let m = &r.meta;
    let totals = format!(
        "{} records, {} unique papers; {} skipped, {} repaired, {} flagged → {}",
        m.records,
        m.papers,
        m.skipped.len(),
        m.repaired_files,
        m.flagged.len(),
        dir.display()
    );
    if r.rebuilt.is_some() {
        writeln!(
            out,
            "indexed {} files ({:.1} MB) in {secs:.1} s: {totals}",
            m.files_read,
            m.bytes_read as f64 / 1e6,
        )
    } else if r.unchanged {
        writeln!(
            out,
            "up to date ({} files, nothing changed) in {secs:.2} s: {totals}",
            m.files_read
        )
    } else {
        writeln!(
            out,
            "updated in {secs:.1} s: {} new, {} changed, {} removed files → {} papers written, {} removed; index holds {} files: {totals}",
            r.files_new,
            r.files_changed,
            r.files_removed,
            r.papers_written,
            r.papers_removed,
            m.files_read,
        )
    }
}

fn inspect(file: &Path, format: Format, index_dir: &Path, out: &mut dyn Write) -> Result<()> {
    use std::io::Read;
    // The same cap as `index`, so a huge file costs bounded memory here too.
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(ingest::MAX_FILE_BYTES).read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", file.display()))?;
    if let Some(what) = crate::walk::sniff_binary(&bytes) {
        bail!("{} is not text: {what}", file.display());
    }
    // Repairs as `index` would for this index: with the folder's vocabulary when it has one.
    let (d, vocabulary) = ingest::decode_as_indexed(&bytes, index_dir);
    let records = parse::parse(&d.text, file);
    let statistics = if vocabulary > 0 {
        format!(
            "shipped + the vocabulary of {} ({vocabulary} Han characters)",
            index_dir.display()
        )
    } else {
        "shipped".to_string()
    };
    if format == Format::Text {
        writeln!(out, "file      {}", file.display())?;
        writeln!(out, "repair    {statistics}")?;
        writeln!(out, "decoding  {}", serde_json::to_string(&d.report)?)?;
        writeln!(out, "records   {}", records.len())?;
        for (i, r) in records.iter().enumerate() {
            writeln!(out, "\n[{}] line {}: {}", i + 1, r.line, r.title)?;
            let show = |out: &mut dyn Write, k: &str, v: String| -> io::Result<()> {
                if v.is_empty() {
                    Ok(())
                } else {
                    writeln!(out, "    {k:<9} {v}")
                }
            };
            show(out, "authors", r.authors.join("; "))?;
            show(out, "venue", r.venue.clone().unwrap_or_default())?;
            show(
                out,
                "year",
                r.year.map(|y| y.to_string()).unwrap_or_default(),
            )?;
            show(out, "track", r.track.clone().unwrap_or_default())?;
            show(out, "topics", r.topics.join(", "))?;
            show(out, "arxiv", r.arxiv_id.clone().unwrap_or_default())?;
            show(out, "urls", r.urls.join(" "))?;
            show(out, "keywords", r.keywords.join(", "))?;
            let preview: String = r
                .text
                .chars()
                .take(160)
                .collect::<String>()
                .replace('\n', " ");
            show(
                out,
                "text",
                format!(
                    "{preview}{}",
                    if r.text.chars().count() > 160 {
                        "…"
                    } else {
                        ""
                    }
                ),
            )?;
        }
    } else {
        let v = serde_json::json!({"file": file.to_string_lossy(), "repair_statistics": statistics, "decode": d.report, "records": records});
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)?;
    }
    Ok(())
}
