//! On a packaged install, `sudo authbox user add …` works on the service's data file without
//! `--data`: a command run as root follows the settings the service follows.
//!
//! The rule: when `/etc/default/authbox` exists (the Debian package installs it, so it marks a
//! packaged install), the effective user is root (the file and `/var/lib/authbox` are root's),
//! and neither `--data` nor `AUTHBOX_DATA` names a data file, a command that works on the data
//! file uses the service's: `AUTHBOX_DATA` from that file, or the unit's
//! `/var/lib/authbox/authbox.redb` when the file does not set it. Such a command then takes the
//! service's lifetimes and budgets from the file too, for when it opens the data file without a
//! server (`PolicyArgs::from_env`). `check`, which checks the server's configuration, takes
//! every setting the file sets, as the service would. Otherwise a flag on the command line or a
//! variable in the environment still wins: the file stands in for the built-in defaults only.
//! A command that names its data file is about that file, and the service's settings are not
//! its business. The log format (`AUTHBOX_LOG_FORMAT`) is the journal's, not the terminal's,
//! so only `check` reads it; `AUTHBOX_LOG` comes from the environment alone.
//!
//! `serve` is left alone: run by root it would create root-owned files in the service's state
//! directory, which the service's dynamic user could not open afterwards. So are `demo`,
//! `completions` and `man`, which have no use for the data file.

use std::path::Path;

use super::Command;
use crate::config::ServiceEnvironment;

/// Where the packaged service's settings live: its unit's `EnvironmentFile=`.
pub const DEFAULTS_FILE: &str = "/etc/default/authbox";

/// Who runs the command and where the service's settings would be; tests name another file.
#[derive(Debug, Clone, Copy)]
pub struct Host<'a> {
    pub defaults_file: &'a Path,
    pub euid: u32,
}

impl Host<'static> {
    pub fn this_process() -> Host<'static> {
        Host {
            defaults_file: Path::new(DEFAULTS_FILE),
            euid: rustix::process::geteuid().as_raw(),
        }
    }
}

/// Which of the service's settings a command takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The data file (and, through [`ServiceEnvironment`], the policy when no server runs).
    DataFile,
    /// Every setting: `check` must see the configuration the service starts with.
    Everything,
}

impl Reach {
    pub fn takes(self, variable: &str) -> bool {
        match self {
            Reach::DataFile => variable == "AUTHBOX_DATA",
            Reach::Everything => true,
        }
    }
}

fn reach(command: &Command) -> Option<Reach> {
    match command {
        Command::Check(_) => Some(Reach::Everything),
        Command::User(_)
        | Command::Client(_)
        | Command::Group(_)
        | Command::Grant(_)
        | Command::Key(_)
        | Command::Backup { .. }
        | Command::Restore { .. }
        | Command::Audit { .. }
        | Command::Unlock { .. } => Some(Reach::DataFile),
        Command::Serve(_)
        | Command::Demo(_)
        | Command::Completions { .. }
        | Command::Man { .. } => None,
    }
}

/// The packaged service's settings and how far `command` takes them, or `None` where the rule
/// does not apply: not root, no defaults file, a data file named by the person, or a command
/// that does not use the data file.
pub fn service_settings(
    host: &Host,
    command: &Command,
    data_file_named: bool,
) -> Result<Option<(ServiceEnvironment, Reach)>, String> {
    let Some(reach) = reach(command) else {
        return Ok(None);
    };
    if host.euid != 0 || data_file_named {
        return Ok(None);
    }
    Ok(ServiceEnvironment::read_packaged(host.defaults_file)?.map(|service| (service, reach)))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;
    use std::path::PathBuf;
    use std::time::Duration;

    use super::super::parse::{ParseFailure, parse_args};
    use super::super::{Cli, Command, LogFormat, UserCommand};
    use super::*;
    use crate::config::UNIT_DATA_FILE;

    const ROOT: u32 = 0;
    const SOMEONE: u32 = 1000;

    struct Machine {
        _dir: tempfile::TempDir,
        defaults_file: PathBuf,
    }

    /// A machine whose defaults file holds `contents` (`None`: no packaged install).
    fn machine(contents: Option<&str>) -> Machine {
        let dir = tempfile::tempdir().unwrap();
        let defaults_file = dir.path().join("authbox");
        if let Some(text) = contents {
            std::fs::write(&defaults_file, text).unwrap();
        }
        Machine {
            _dir: dir,
            defaults_file,
        }
    }

    impl Machine {
        fn parse_as(&self, euid: u32, args: &[&str]) -> Result<Cli, ParseFailure> {
            let args: Vec<OsString> = std::iter::once("authbox")
                .chain(args.iter().copied())
                .map(OsString::from)
                .collect();
            let host = Host {
                defaults_file: &self.defaults_file,
                euid,
            };
            parse_args(&args, &host)
        }

        fn data_file(&self, euid: u32, args: &[&str]) -> PathBuf {
            self.parse_as(euid, args).unwrap().data
        }
    }

    #[test]
    fn root_uses_the_data_file_the_defaults_file_names() {
        let packaged = machine(Some(
            "# settings\nAUTHBOX_DATA=\"/srv/authbox/data.redb\"\n",
        ));
        let cli = packaged.parse_as(ROOT, &["user", "list"]).unwrap();
        assert_eq!(cli.data, PathBuf::from("/srv/authbox/data.redb"));
        assert_eq!(cli.service_environment.file(), packaged.defaults_file);
    }

    #[test]
    fn without_one_there_root_uses_the_units_data_file() {
        let packaged = machine(Some(
            "#AUTHBOX_DATA=./authbox.redb\nAUTHBOX_LISTEN=[::]:8080\n",
        ));
        for args in [
            &["user", "add", "alice", "--admin"][..],
            &["client", "list"],
            &["grant", "list"],
            &["key", "rotate"],
            &["audit", "--since", "1h"],
            &["unlock", "--all"],
            &["check"],
            &["backup", "/tmp/snapshot.redb"],
            &["restore", "/tmp/snapshot.redb"],
        ] {
            assert_eq!(
                packaged.data_file(ROOT, args),
                PathBuf::from(UNIT_DATA_FILE),
                "{args:?}"
            );
        }
    }

    #[test]
    fn others_and_machines_without_the_package_keep_the_usual_default() {
        let packaged = machine(Some("AUTHBOX_DATA=/srv/authbox.redb\n"));
        let cli = packaged.parse_as(SOMEONE, &["user", "list"]).unwrap();
        assert_eq!(cli.data, PathBuf::from("./authbox.redb"));
        assert!(cli.service_environment.get("AUTHBOX_DATA").is_none());

        let unpackaged = machine(None);
        let cli = unpackaged.parse_as(ROOT, &["user", "list"]).unwrap();
        assert_eq!(cli.data, PathBuf::from("./authbox.redb"));
        assert!(cli.service_environment.get("AUTHBOX_DATA").is_none());
    }

    #[test]
    fn a_named_data_file_wins_and_leaves_the_service_settings_out() {
        let packaged = machine(Some(
            "AUTHBOX_DATA=/srv/authbox.redb\nAUTHBOX_ISSUER=https://id.example\n",
        ));
        for args in [
            &["--data", "mine.redb", "user", "list"][..],
            &["user", "list", "--data", "mine.redb"],
            &["user", "list", "--data=mine.redb"],
        ] {
            let cli = packaged.parse_as(ROOT, args).unwrap();
            assert_eq!(cli.data, PathBuf::from("mine.redb"), "{args:?}");
            assert!(cli.service_environment.get("AUTHBOX_DATA").is_none());
        }
        let Command::Check(args) = packaged
            .parse_as(ROOT, &["check", "--data", "mine.redb"])
            .unwrap()
            .command
        else {
            panic!("not check");
        };
        assert_eq!(args.issuer, None);
    }

    #[test]
    fn serve_and_the_commands_without_a_data_file_ignore_the_defaults_file() {
        let packaged = machine(Some(
            "AUTHBOX_DATA=/srv/authbox.redb\nAUTHBOX_LISTEN=[::]:8080\n",
        ));
        let cli = packaged.parse_as(ROOT, &["serve"]).unwrap();
        assert_eq!(cli.data, PathBuf::from("./authbox.redb"));
        let Command::Serve(args) = cli.command else {
            panic!("not serve");
        };
        assert_eq!(args.listen, "127.0.0.1:8080");
        for args in [&["man"][..], &["completions", "bash"], &["demo"]] {
            assert_eq!(
                packaged.data_file(ROOT, args),
                PathBuf::from("./authbox.redb")
            );
        }
    }

    #[test]
    fn check_sees_every_setting_the_service_sees_below_the_typed_flags() {
        let packaged = machine(Some(
            "AUTHBOX_LISTEN=0.0.0.0:8443\nAUTHBOX_ISSUER='https://id.example'\n\
             AUTHBOX_POLL_INTERVAL=7s\nAUTHBOX_RESOURCES=https://api.example=read,write;urn:b=x\n\
             AUTHBOX_LOG_FORMAT=json\n",
        ));
        let cli = packaged
            .parse_as(ROOT, &["check", "--poll-interval", "9s"])
            .unwrap();
        assert_eq!(cli.log_format, LogFormat::Json);
        let Command::Check(args) = cli.command else {
            panic!("not check");
        };
        assert_eq!(args.listen, "0.0.0.0:8443");
        assert_eq!(args.issuer.as_deref(), Some("https://id.example"));
        assert_eq!(args.policy.poll_interval, Duration::from_secs(9));
        assert_eq!(
            args.resources,
            ["https://api.example=read,write", "urn:b=x"]
        );
    }

    #[test]
    fn other_commands_take_the_data_file_but_not_the_journals_log_format() {
        let packaged = machine(Some("AUTHBOX_LOG_FORMAT=json\nAUTHBOX_LISTEN=[::]:8080\n"));
        let cli = packaged.parse_as(ROOT, &["user", "list"]).unwrap();
        assert_eq!(cli.log_format, LogFormat::Text);
        assert_eq!(cli.data, PathBuf::from(UNIT_DATA_FILE));
        // Kept for the policy of a command that opens the data file without a server.
        assert_eq!(
            cli.service_environment.get("AUTHBOX_LISTEN"),
            Some("[::]:8080")
        );
    }

    #[test]
    fn arguments_after_a_double_dash_stay_arguments() {
        let packaged = machine(Some("AUTHBOX_DATA=/srv/authbox.redb\n"));
        let cli = packaged
            .parse_as(ROOT, &["user", "show", "--", "--odd"])
            .unwrap();
        assert_eq!(cli.data, PathBuf::from("/srv/authbox.redb"));
        let Command::User(UserCommand::Show { username }) = cli.command else {
            panic!("not user show");
        };
        assert_eq!(username, "--odd");
    }

    #[test]
    fn a_bad_value_in_the_file_is_blamed_on_its_variable_there() {
        let packaged = machine(Some("AUTHBOX_POLL_INTERVAL=fast\n"));
        let Err(ParseFailure::Usage { origin, .. }) = packaged.parse_as(ROOT, &["check"]) else {
            panic!("accepted a bad poll interval");
        };
        let expected = format!(
            "that value comes from AUTHBOX_POLL_INTERVAL in {}",
            packaged.defaults_file.display()
        );
        assert_eq!(origin, Some(expected));
    }

    #[test]
    fn an_unreadable_defaults_file_is_an_error_not_a_silent_default() {
        let packaged = machine(None);
        std::fs::create_dir(&packaged.defaults_file).unwrap();
        let Err(ParseFailure::ServiceFile(message)) = packaged.parse_as(ROOT, &["user", "list"])
        else {
            panic!("read a directory as the defaults file");
        };
        assert!(message.contains("cannot read"), "{message}");
        // Only the commands that follow the service read it at all.
        assert!(packaged.parse_as(ROOT, &["serve"]).is_ok());
        assert!(packaged.parse_as(SOMEONE, &["user", "list"]).is_ok());
    }
}
