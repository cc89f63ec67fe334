//! The variables the packaged service starts with: the unit's `Environment=AUTHBOX_DATA=…`, then
//! `/etc/default/authbox` (its `EnvironmentFile=`) over it. Read here the way systemd reads an
//! environment file, so that a command run by root on a packaged install can see the settings
//! the service sees. The file is data, never executed: no expansion, no command substitution.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;

/// The data file `packaging/authbox.service` names in its `Environment=` line, in force unless
/// the environment file sets `AUTHBOX_DATA` itself.
pub const UNIT_DATA_FILE: &str = "/var/lib/authbox/authbox.redb";

/// Variables from a service's environment file. Empty (the default) when there is no packaged
/// service to follow: then every setting comes from flags, the environment and the defaults.
#[derive(Debug, Clone, Default)]
pub struct ServiceEnvironment {
    /// Where the variables were read, to name it in messages.
    file: PathBuf,
    variables: BTreeMap<String, String>,
}

/// A setting taken from the service's environment, as the flag that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSetting {
    pub variable: String,
    /// The flag's long name, without dashes.
    pub long: String,
    /// `--long=value`, ready to append to an argument list.
    pub flag: OsString,
}

impl ServiceEnvironment {
    /// The packaged service's variables when `file` exists; `None` when it does not (no
    /// packaged install).
    pub fn read_packaged(file: &Path) -> Result<Option<ServiceEnvironment>, String> {
        let text = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read {}: {e}", file.display())),
        };
        let text = String::from_utf8(text)
            .map_err(|_| format!("cannot read {}: it is not UTF-8 text", file.display()))?;
        let mut variables = BTreeMap::from([("AUTHBOX_DATA".to_owned(), UNIT_DATA_FILE.into())]);
        variables.extend(parse_environment_file(&text));
        Ok(Some(ServiceEnvironment {
            file: file.to_path_buf(),
            variables,
        }))
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    pub fn get(&self, variable: &str) -> Option<&str> {
        self.variables.get(variable).map(String::as_str)
    }

    /// A flag for each argument of `command` (parsed into `matches`) that has an environment
    /// variable set here, where `wanted` accepts that variable and neither the command line
    /// nor the process environment gave the argument a value. Flags and the environment a
    /// person typed come first; the service's file stands in for the built-in defaults only.
    pub fn flags_for(
        &self,
        command: &clap::Command,
        matches: &ArgMatches,
        wanted: impl Fn(&str) -> bool,
    ) -> Vec<FileSetting> {
        command
            .get_arguments()
            .filter_map(|arg| {
                let variable = arg.get_env()?.to_str()?;
                let value = self.get(variable).filter(|_| wanted(variable))?;
                let long = arg.get_long()?;
                let source = matches.value_source(arg.get_id().as_str());
                if !matches!(source, None | Some(ValueSource::DefaultValue)) {
                    return None;
                }
                Some(FileSetting {
                    variable: variable.to_owned(),
                    long: long.to_owned(),
                    flag: format!("--{long}={value}").into(),
                })
            })
            .collect()
    }
}

/// What a clap error about one of `settings` should add: which variable in which file gave the
/// refused value. `None` when the error is not about one of them.
pub fn blame_setting<'a>(
    error: &clap::Error,
    settings: &'a [FileSetting],
) -> Option<&'a FileSetting> {
    use clap::error::{ContextKind, ContextValue};
    let Some(ContextValue::String(shown)) = error.get(ContextKind::InvalidArg) else {
        return None;
    };
    // Shown as `--poll-interval <DURATION>`.
    let long = shown.split_whitespace().next()?.strip_prefix("--")?;
    settings.iter().find(|s| s.long == long)
}

#[derive(Clone, Copy)]
enum State {
    BeforeKey,
    Key,
    BeforeValue,
    Value,
    ValueEscape,
    SingleQuoted,
    DoubleQuoted,
    DoubleQuotedEscape,
    Comment,
    CommentEscape,
}

fn is_newline(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// The assignments of an environment file, as systemd's `EnvironmentFile=` reads them: `#` or
/// `;` starts a comment line; blank lines are skipped; `KEY=VALUE` with blanks trimmed around
/// the key and the value; `'…'` keeps everything inside, `"…"` unescapes `\"`, `\\`, `` \` ``
/// and `\$`; outside quotes a backslash keeps the next character; a backslash before a line
/// break continues the line. A later assignment replaces an earlier one.
pub fn parse_environment_file(text: &str) -> BTreeMap<String, String> {
    let mut assignments = BTreeMap::new();
    let mut state = State::BeforeKey;
    let mut key = String::new();
    let mut value = String::new();
    // Where trailing blanks begin in the key or in an unquoted value, to cut them off at the end.
    let mut key_blanks_from: Option<usize> = None;
    let mut value_blanks_from: Option<usize> = None;
    let mut assign = |key: &mut String, blanks: Option<usize>, value: String| {
        key.truncate(blanks.unwrap_or(key.len()));
        assignments.insert(std::mem::take(key), value);
    };
    for c in text.chars() {
        state = match state {
            State::BeforeKey if c == '#' || c == ';' => State::Comment,
            State::BeforeKey if is_blank(c) => State::BeforeKey,
            State::BeforeKey => {
                key.clear();
                key.push(c);
                key_blanks_from = None;
                State::Key
            }
            // A line without '=' assigns nothing.
            State::Key if is_newline(c) => State::BeforeKey,
            State::Key if c == '=' => {
                value.clear();
                value_blanks_from = None;
                State::BeforeValue
            }
            State::Key => {
                if !is_blank(c) {
                    key_blanks_from = None;
                } else if key_blanks_from.is_none() {
                    key_blanks_from = Some(key.len());
                }
                key.push(c);
                State::Key
            }
            State::BeforeValue if is_newline(c) => {
                assign(&mut key, key_blanks_from, std::mem::take(&mut value));
                State::BeforeKey
            }
            State::BeforeValue if c == '\'' => State::SingleQuoted,
            State::BeforeValue if c == '"' => State::DoubleQuoted,
            State::BeforeValue if c == '\\' => State::ValueEscape,
            State::BeforeValue if is_blank(c) => State::BeforeValue,
            State::BeforeValue => {
                value.push(c);
                State::Value
            }
            State::Value if is_newline(c) => {
                value.truncate(value_blanks_from.unwrap_or(value.len()));
                assign(&mut key, key_blanks_from, std::mem::take(&mut value));
                State::BeforeKey
            }
            State::Value if c == '\\' => {
                value_blanks_from = None;
                State::ValueEscape
            }
            State::Value => {
                if !is_blank(c) {
                    value_blanks_from = None;
                } else if value_blanks_from.is_none() {
                    value_blanks_from = Some(value.len());
                }
                value.push(c);
                State::Value
            }
            State::ValueEscape => {
                // An escaped line break joins the next line; anything else is kept as it is.
                if !is_newline(c) {
                    value.push(c);
                }
                State::Value
            }
            State::SingleQuoted if c == '\'' => State::BeforeValue,
            State::SingleQuoted => {
                value.push(c);
                State::SingleQuoted
            }
            State::DoubleQuoted if c == '"' => State::BeforeValue,
            State::DoubleQuoted if c == '\\' => State::DoubleQuotedEscape,
            State::DoubleQuoted => {
                value.push(c);
                State::DoubleQuoted
            }
            State::DoubleQuotedEscape => {
                // As in a shell: only these four lose their backslash.
                if matches!(c, '"' | '\\' | '`' | '$') {
                    value.push(c);
                } else if c != '\n' {
                    value.push('\\');
                    value.push(c);
                }
                State::DoubleQuoted
            }
            State::Comment if c == '\\' => State::CommentEscape,
            State::Comment if is_newline(c) => State::BeforeKey,
            State::Comment => State::Comment,
            State::CommentEscape if is_newline(c) => State::BeforeKey,
            State::CommentEscape => State::Comment,
        };
    }
    match state {
        State::Value => {
            value.truncate(value_blanks_from.unwrap_or(value.len()));
            assign(&mut key, key_blanks_from, value);
        }
        State::BeforeValue
        | State::ValueEscape
        | State::SingleQuoted
        | State::DoubleQuoted
        | State::DoubleQuotedEscape => assign(&mut key, key_blanks_from, value),
        State::BeforeKey | State::Key | State::Comment | State::CommentEscape => {}
    }
    assignments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(String, String)> {
        parse_environment_file(text).into_iter().collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_plain_assignments_and_skips_comments_and_blank_lines() {
        let text = "# a comment\n; another\n\n  AUTHBOX_LISTEN=0.0.0.0:8080\n\
                    #AUTHBOX_ISSUER=https://commented.example\nAUTHBOX_ISSUER = https://id.example  \n";
        assert_eq!(
            parsed(text),
            pairs(&[
                ("AUTHBOX_ISSUER", "https://id.example"),
                ("AUTHBOX_LISTEN", "0.0.0.0:8080"),
            ])
        );
    }

    #[test]
    fn quotes_keep_what_is_inside_and_double_quotes_unescape_like_a_shell() {
        let text =
            "A='two  words # not a comment'\nB=\"say \\\"hi\\\" for \\$5 \\n\"\nC=\"\"\nD=\n";
        assert_eq!(
            parsed(text),
            pairs(&[
                ("A", "two  words # not a comment"),
                ("B", "say \"hi\" for $5 \\n"),
                ("C", ""),
                ("D", ""),
            ])
        );
    }

    #[test]
    fn backslashes_escape_outside_quotes_and_continue_lines() {
        let text = "A=one\\ \nB=first \\\n  second\nC=a\\\\b";
        assert_eq!(
            parsed(text),
            pairs(&[("A", "one "), ("B", "first   second"), ("C", "a\\b")])
        );
    }

    #[test]
    fn the_last_assignment_wins_and_lines_without_equals_assign_nothing() {
        let text = "A=1\njust words\nA=2\r\nB=3";
        assert_eq!(parsed(text), pairs(&[("A", "2"), ("B", "3")]));
    }

    #[test]
    fn nothing_is_expanded_or_run() {
        let text = "A=$HOME\nB=$(touch /tmp/x)\nC=`id`\n";
        assert_eq!(
            parsed(text),
            pairs(&[("A", "$HOME"), ("B", "$(touch /tmp/x)"), ("C", "`id`")])
        );
    }

    #[test]
    fn the_packaged_file_lays_its_values_over_the_units_data_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("authbox");
        assert!(ServiceEnvironment::read_packaged(&file).unwrap().is_none());

        std::fs::write(&file, "AUTHBOX_ISSUER=https://id.example\n").unwrap();
        let service = ServiceEnvironment::read_packaged(&file).unwrap().unwrap();
        assert_eq!(service.get("AUTHBOX_DATA"), Some(UNIT_DATA_FILE));
        assert_eq!(service.get("AUTHBOX_ISSUER"), Some("https://id.example"));

        std::fs::write(&file, "AUTHBOX_DATA=/srv/authbox.redb\n").unwrap();
        let service = ServiceEnvironment::read_packaged(&file).unwrap().unwrap();
        assert_eq!(service.get("AUTHBOX_DATA"), Some("/srv/authbox.redb"));

        std::fs::write(&file, [b'A', b'=', 0xff, b'\n']).unwrap();
        let refused = ServiceEnvironment::read_packaged(&file).unwrap_err();
        assert!(refused.contains("not UTF-8"), "{refused}");
    }

    #[test]
    fn the_policy_of_a_command_without_a_server_comes_from_the_file_below_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("authbox");
        std::fs::write(
            &file,
            "AUTHBOX_ACCESS_TOKEN_TTL=1h\nAUTHBOX_LOGIN_ATTEMPTS=9\n",
        )
        .unwrap();
        let service = ServiceEnvironment::read_packaged(&file).unwrap().unwrap();
        let settings = crate::config::PolicyArgs::from_env(&service).unwrap();
        assert_eq!(
            settings.lifetimes.access_token,
            std::time::Duration::from_secs(3600)
        );
        assert_eq!(settings.login_budget.failures, 9);
        let usual = crate::config::PolicyArgs::from_env(&ServiceEnvironment::default()).unwrap();
        assert_eq!(
            usual.lifetimes.access_token,
            std::time::Duration::from_secs(600)
        );

        std::fs::write(&file, "AUTHBOX_ID_TOKEN_TTL=soon\n").unwrap();
        let service = ServiceEnvironment::read_packaged(&file).unwrap().unwrap();
        let refused = crate::config::PolicyArgs::from_env(&service)
            .unwrap_err()
            .to_string();
        assert!(refused.contains("AUTHBOX_ID_TOKEN_TTL in "), "{refused}");
    }

    /// The constant is the unit's own line, so the two cannot drift apart.
    #[test]
    fn the_unit_sets_the_data_file_this_module_assumes() {
        let unit = include_str!("../../packaging/authbox.service");
        assert!(
            unit.lines()
                .any(|l| l == format!("Environment=AUTHBOX_DATA={UNIT_DATA_FILE}")),
            "packaging/authbox.service no longer sets AUTHBOX_DATA={UNIT_DATA_FILE}"
        );
        assert!(unit.contains("\nEnvironmentFile=-/etc/default/authbox\n"));
    }
}
