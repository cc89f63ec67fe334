//! Reading the command line, where a bad value may have come from an `AUTHBOX_*` variable:
//! clap names only the flag, which is not what a person editing `/etc/default/authbox` or a
//! unit file wrote, so such an error also names the variable.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, Parser};

use super::Cli;

pub fn parse() -> Cli {
    let error = match Cli::try_parse() {
        Ok(cli) => return cli,
        Err(error) => error,
    };
    match variable_behind(&error) {
        Some(variable) => {
            let _ = error.print();
            eprintln!("(that value comes from the environment variable {variable})");
            std::process::exit(error.exit_code());
        }
        None => error.exit(),
    }
}

/// The variable that supplied the value `error` refuses: the flag's variable, when it is set
/// and the flag itself is not on the command line.
fn variable_behind(error: &clap::Error) -> Option<String> {
    if !matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let Some(ContextValue::String(shown)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    // Shown as `--poll-interval <DURATION>`.
    let long = shown.split_whitespace().next()?.strip_prefix("--")?;
    let typed =
        std::env::args().any(|a| a == format!("--{long}") || a.starts_with(&format!("--{long}=")));
    if typed {
        return None;
    }
    let command = Cli::command();
    let variable = variable_of(&command, long)?;
    std::env::var_os(&variable).map(|_| variable)
}

fn variable_of(command: &clap::Command, long: &str) -> Option<String> {
    command
        .get_arguments()
        .find(|arg| arg.get_long() == Some(long))
        .and_then(|arg| arg.get_env())
        .map(|env| env.to_string_lossy().into_owned())
        .or_else(|| {
            command
                .get_subcommands()
                .find_map(|sub| variable_of(sub, long))
        })
}
