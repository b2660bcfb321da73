//! papersift command-line entry point: parse arguments, dispatch, map outcomes to exit codes.

use clap::Parser;
use papersift::app;
use papersift::cli::Cli;
use std::process::ExitCode;

// mimalloc hands freed memory back and keeps threads' allocations apart: lower peak memory
// when worker threads build what the main thread frees.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse_from(papersift::cli::normalize_args(
        std::env::args_os().collect(),
    ));
    match app::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`papersift search … | head`) is not an error.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            eprintln!("papersift: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
