//! The policy alone (lifetimes, budgets), for management commands that open the data file
//! without a server: a key rotation needs the token lifetimes, a restore that ends every grant
//! needs them too.

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches, Parser};

use super::{ConfigError, PolicyArgs, ServiceEnvironment, blame_setting};
use crate::app::settings::Settings;

/// Reads only the policy, from `AUTHBOX_*` variables, for management commands run without a
/// server (a key rotation needs the token lifetimes).
#[derive(Parser)]
struct PolicyFromEnv {
    #[command(flatten)]
    policy: PolicyArgs,
}

impl PolicyArgs {
    /// The policy from the process environment, and from the packaged service's file for the
    /// variables the environment leaves unset: as root on a packaged install, a command that
    /// opens the data file without a server (a key rotation, say) uses the lifetimes the
    /// service uses.
    pub fn from_env(service: &ServiceEnvironment) -> Result<Settings, ConfigError> {
        let command = PolicyFromEnv::command();
        let parse = |args: &[OsString]| {
            command
                .clone()
                .try_get_matches_from(args)
                .and_then(|m| PolicyFromEnv::from_arg_matches(&m).map(|p| (p, m)))
        };
        let program = [OsString::from("authbox")];
        let (policy, matches) = parse(&program).map_err(|e| ConfigError(e.to_string()))?;
        let from_file = service.flags_for(&command, &matches, |_| true);
        if from_file.is_empty() {
            return policy.policy.settings();
        }
        let args: Vec<_> = program
            .into_iter()
            .chain(from_file.iter().map(|s| s.flag.clone()))
            .collect();
        let (policy, _) = parse(&args).map_err(|e| {
            let origin = blame_setting(&e, &from_file).map_or_else(String::new, |s| {
                format!(" (from {} in {})", s.variable, service.file().display())
            });
            ConfigError(format!("{}{origin}", e.to_string().trim_end()))
        })?;
        policy.policy.settings()
    }
}
