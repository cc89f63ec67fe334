//! The `authbox` binary: parse the command line, set up logging, run, report.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = authbox::cli::Cli::parse();
    // The server narrates at info; management commands only speak up about problems.
    let default_level = match cli.command {
        authbox::cli::Command::Serve(_) => "info",
        _ => "warn",
    };
    let filter =
        EnvFilter::try_from_env("AUTHBOX_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match authbox::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authbox: {e}");
            ExitCode::FAILURE
        }
    }
}
