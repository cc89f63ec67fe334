//! The `authbox` binary: parse the command line, set up logging, run, report.

use std::io::IsTerminal;
use std::process::ExitCode;

use authbox::cli::LogFormat;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = authbox::cli::parse();
    // The server narrates at info; management commands only speak up about problems.
    let default_level = match cli.command {
        authbox::cli::Command::Serve(_) => "info",
        _ => "warn",
    };
    let filter =
        EnvFilter::try_from_env("AUTHBOX_LOG").unwrap_or_else(|_| EnvFilter::new(default_level));
    let sink = authbox::log_sink::StderrSink::start();
    let log = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(sink.clone());
    match cli.log_format {
        LogFormat::Text => log.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => log.json().flatten_event(true).init(),
    }
    let outcome = authbox::cli::run(cli);
    sink.flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("authbox: {e}");
            ExitCode::FAILURE
        }
    }
}
