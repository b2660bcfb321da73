//! Command-line definitions (clap derive). No logic here beyond argument shapes.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Search your folder of paper summaries (Chinese and English, any encoding).
#[derive(Debug, Parser)]
#[command(name = "papersift", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Index directory [default: $XDG_DATA_HOME/papersift/index]
    #[arg(long, global = true, env = "PAPERSIFT_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,

    /// When to use colours
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Output format of search and show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index folders (or files) of paper summaries; replaces the index atomically when done.
    Index {
        /// Folders or files to index [default: the folders indexed last time]
        paths: Vec<PathBuf>,
        /// Exit with status 2 when any file had to be skipped.
        #[arg(long)]
        strict: bool,
        /// No progress bar, only the summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Rebuild the index from the folders indexed last time (also after a schema change).
    Reindex {
        /// No progress bar, only the summary.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Search the index. Exit status: 0 hits, 1 no hits, 2 error.
    Search {
        /// The query: words (AND), "phrases", -exclude, OR, ( ), title: author: venue: year: topic: arxiv: track:
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Hits per page.
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: usize,
        /// Hits to skip (for paging).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show one paper in full, with every file it was seen in.
    Show {
        /// Paper id (as printed by search) or arXiv id.
        id: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Statistics about the index: files, records, papers, size, venues, years, flagged files.
    Stats {
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show how one file decodes and which paper records it yields (no index needed).
    Inspect {
        /// The file.
        file: PathBuf,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}
