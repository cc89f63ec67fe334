//! Reading the command line. Values may come from elsewhere than the arguments, and an error
//! about one says where: clap names only the flag, which is not what a person editing
//! `/etc/default/authbox` or a unit file wrote, so the error also names the variable. As root on
//! a packaged install, the service's own settings stand in for the defaults (`packaged.rs`).

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use super::Cli;
use super::packaged::{self, Host};
use crate::config::{FileSetting, ServiceEnvironment, blame_setting};

pub fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    match parse_args(&args, &Host::this_process()) {
        Ok(cli) => cli,
        Err(failure) => failure.exit(),
    }
}

#[derive(Debug)]
pub(super) enum ParseFailure {
    /// clap refused the arguments; `origin` says where the refused value came from when the
    /// person did not type it.
    Usage {
        error: clap::Error,
        origin: Option<String>,
    },
    /// The packaged service's settings file exists but cannot be read.
    ServiceFile(String),
}

impl ParseFailure {
    fn exit(self) -> ! {
        match self {
            ParseFailure::Usage {
                error,
                origin: Some(origin),
            } => {
                let _ = error.print();
                eprintln!("({origin})");
                std::process::exit(error.exit_code());
            }
            ParseFailure::Usage {
                error,
                origin: None,
            } => error.exit(),
            ParseFailure::ServiceFile(message) => {
                eprintln!("authbox: {message}");
                std::process::exit(1);
            }
        }
    }
}

/// Parses `args` (the program name first) as the command line of a process run on `host`.
pub(super) fn parse_args(args: &[OsString], host: &Host) -> Result<Cli, ParseFailure> {
    let mut command = Cli::command();
    command.build();
    let typed_only = |error: clap::Error| {
        let origin = variable_behind(&error, args)
            .map(|variable| format!("that value comes from the environment variable {variable}"));
        ParseFailure::Usage { error, origin }
    };
    let matches = command
        .clone()
        .try_get_matches_from(args)
        .map_err(typed_only)?;
    let mut cli = Cli::from_arg_matches(&matches).map_err(typed_only)?;
    let data_file_named = matches.value_source("data") != Some(ValueSource::DefaultValue);
    let Some((service, reach)) = packaged::service_settings(host, &cli.command, data_file_named)
        .map_err(ParseFailure::ServiceFile)?
    else {
        return Ok(cli);
    };
    let (leaf, leaf_matches) = innermost(&command, &matches);
    let from_file = service.flags_for(leaf, leaf_matches, |variable| reach.takes(variable));
    if !from_file.is_empty() {
        let from_service_file = |error: clap::Error| {
            let origin = file_origin(&error, &from_file, &service);
            ParseFailure::Usage { error, origin }
        };
        let matches = command
            .try_get_matches_from(with_flags(args, &from_file))
            .map_err(from_service_file)?;
        cli = Cli::from_arg_matches(&matches).map_err(from_service_file)?;
    }
    cli.service_environment = service;
    Ok(cli)
}

/// The subcommand that runs (`user add` in `authbox user add …`) and its matches.
fn innermost<'a>(
    command: &'a clap::Command,
    matches: &'a ArgMatches,
) -> (&'a clap::Command, &'a ArgMatches) {
    match matches.subcommand() {
        Some((name, sub_matches)) => match command.find_subcommand(name) {
            Some(sub) => innermost(sub, sub_matches),
            None => (command, matches),
        },
        None => (command, matches),
    }
}

/// `args` with `settings`' flags added where options still count: before a `--`, if any.
fn with_flags(args: &[OsString], settings: &[FileSetting]) -> Vec<OsString> {
    let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let mut with = args[..end].to_vec();
    with.extend(settings.iter().map(|s| s.flag.clone()));
    with.extend_from_slice(&args[end..]);
    with
}

/// The arguments parsed without the file's settings, so whatever is refused now came from it.
fn file_origin(
    error: &clap::Error,
    from_file: &[FileSetting],
    service: &ServiceEnvironment,
) -> Option<String> {
    let file = service.file().display();
    Some(match blame_setting(error, from_file) {
        Some(setting) => format!("that value comes from {} in {file}", setting.variable),
        None => {
            let variables: Vec<&str> = from_file.iter().map(|s| s.variable.as_str()).collect();
            format!("with {} from {file}", variables.join(", "))
        }
    })
}

/// The variable that supplied the value `error` refuses: the flag's variable, when it is set
/// and the flag itself is not among `args`.
fn variable_behind(error: &clap::Error, args: &[OsString]) -> Option<String> {
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
    let flag = format!("--{long}");
    let typed = args.iter().any(|a| {
        a.to_str()
            .is_some_and(|a| a == flag || a.starts_with(&format!("{flag}=")))
    });
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
