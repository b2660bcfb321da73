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

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    /// Best match first.
    Relevance,
    /// Newest first.
    Year,
    /// By venue name.
    Venue,
}

/// Flags equal to the field syntax of the query language.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterArgs {
    /// Only this venue (same as `venue:V`).
    #[arg(long, value_name = "V")]
    pub venue: Option<String>,
    /// Only this year or range (same as `year:Y`: 2023, 2021..2023, >=2022).
    #[arg(long, value_name = "Y", allow_hyphen_values = true)]
    pub year: Option<String>,
    /// Only this topic (same as `topic:T`).
    #[arg(long, value_name = "T")]
    pub topic: Option<String>,
    /// Only papers by this author (same as `author:A`).
    #[arg(long, value_name = "A")]
    pub author: Option<String>,
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
        /// Keep running and apply file creations, changes, renames and deletions as they
        /// happen (one log line per batch; stop with Ctrl-C).
        #[arg(long, conflicts_with = "strict")]
        watch: bool,
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
        /// Result order.
        #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
        sort: SortOrder,
        #[command(flatten)]
        filters: FilterArgs,
        /// Print what was searched: the parsed query, filters, and why each hit scored.
        #[arg(long)]
        explain: bool,
        /// Don't expand glossary terms into the other language.
        #[arg(long)]
        no_expand: bool,
    },
    /// Write every paper matching a query (not only the first page) as CSV, JSON Lines,
    /// CSL-JSON, BibTeX or Markdown.
    Export {
        /// The query, as for search.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Output format.
        #[arg(long, short, value_parser = clap::value_parser!(crate::export::ExportFormat))]
        format: crate::export::ExportFormat,
        /// Write to FILE (atomically: a temporary file, then rename) instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Start CSV with a byte-order mark (Excel on Chinese Windows needs it).
        #[arg(long)]
        bom: bool,
        /// Order.
        #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
        sort: SortOrder,
        #[command(flatten)]
        filters: FilterArgs,
        /// Don't expand glossary terms into the other language.
        #[arg(long)]
        no_expand: bool,
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

/// Subcommands whose positional arguments form a query, where `-word` means "without word".
const QUERY_COMMANDS: &[&str] = &["search", "export"];

/// Rewrites argv so that query words starting with `-` (`-survey`) reach the query instead of
/// being read as unknown flags: for query commands, every positional word is moved behind a
/// `--`, in order, while real flags (and their values) stay in front. Uses clap's own view of
/// which flags exist and which take values.
pub fn normalize_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let Some(pos) = args
        .iter()
        .position(|a| QUERY_COMMANDS.iter().any(|c| a == *c))
    else {
        return args;
    };
    if args[..pos].iter().any(|a| a == "--") {
        return args;
    }
    let Some(sub) = cmd.find_subcommand(args[pos].to_str().unwrap_or("")) else {
        return args;
    };
    // (flag spelling, takes a value) for the subcommand's and the global arguments.
    let mut flags: Vec<(String, bool)> = Vec::new();
    for a in sub.get_arguments().chain(cmd.get_arguments()) {
        let takes = a.get_action().takes_values();
        if let Some(l) = a.get_long() {
            flags.push((format!("--{l}"), takes));
        }
        if let Some(s) = a.get_short() {
            flags.push((format!("-{s}"), takes));
        }
    }
    flags.extend([("--help".to_string(), false), ("-h".to_string(), false)]);
    let mut front: Vec<std::ffi::OsString> = args[..=pos].to_vec();
    let mut words = Vec::new();
    let mut rest = args[pos + 1..].iter();
    while let Some(a) = rest.next() {
        let s = a.to_string_lossy();
        if s == "--" {
            words.extend(rest.by_ref().cloned());
            break;
        }
        let name = s.split_once('=').map(|(n, _)| n).unwrap_or(&s);
        match flags.iter().find(|(f, _)| f == name) {
            Some((_, takes)) => {
                front.push(a.clone());
                if *takes && !s.contains('=') {
                    if let Some(v) = rest.next() {
                        front.push(v.clone());
                    }
                }
            }
            None => words.push(a.clone()),
        }
    }
    front.push("--".into());
    front.extend(words);
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Vec<String> {
        normalize_args(s.split(' ').map(Into::into).collect())
            .into_iter()
            .map(|o| o.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn minus_words_stay_query_words_and_flags_stay_flags() {
        assert_eq!(
            norm("papersift search distillation -survey -n 5 --format=json venue:ICML"),
            [
                "papersift",
                "search",
                "-n",
                "5",
                "--format=json",
                "--",
                "distillation",
                "-survey",
                "venue:ICML"
            ]
        );
        assert_eq!(
            norm("papersift --index /x search -a b"),
            ["papersift", "--index", "/x", "search", "--", "-a", "b"]
        );
        assert_eq!(
            norm("papersift stats --format json"),
            ["papersift", "stats", "--format", "json"]
        );
    }

    #[test]
    fn definitions_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
