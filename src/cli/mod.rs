//! The command line: `serve`, `check`, `user …`, `client …`, `group …`, `grant …`, `key …`, `audit`,
//! and `completions`/`man` generated from these definitions.

mod groups;
mod links;
mod manual;
mod output;
mod packaged;
mod parse;
mod requests;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};

pub use parse::parse;

use crate::app::admin::AdminRequest;
use crate::app::clients::ClientSettings;
use crate::app::clock::SystemClock;
use crate::config::{Config, ServeArgs, ServiceEnvironment, parse_duration};
use crate::control::client::{self, ManageError};
use crate::server::{ServeOptions, StopSignals, start};
use crate::store::{OpenMode, Store};
use crate::{app, control, http};

/// A self-contained OAuth 2.0 / OpenID Connect server for signing in TVs, consoles and CLIs
/// with the device authorization grant (RFC 8628).
#[derive(Debug, Parser)]
#[command(name = "authbox", version, propagate_version = true)]
pub struct Cli {
    /// The data file holding users, clients, keys and grants; created by the first `serve`.
    #[arg(
        long,
        global = true,
        env = "AUTHBOX_DATA",
        default_value = "./authbox.redb",
        value_name = "FILE"
    )]
    pub data: PathBuf,

    /// Print JSON for scripts instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// How log lines are written to standard error: text for people, json (one object per
    /// line) for log collectors.
    #[arg(
        long,
        global = true,
        env = "AUTHBOX_LOG_FORMAT",
        value_enum,
        default_value = "text",
        value_name = "FORMAT"
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,

    /// The packaged service's settings, when this command follows them (`packaged.rs`);
    /// otherwise empty.
    #[arg(skip)]
    pub service_environment: ServiceEnvironment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Try the device flow offline: a throwaway server with a demo person and a demo TV, and
    /// this terminal playing the TV until the person approves on a phone or in a browser.
    Demo(crate::demo::DemoArgs),
    /// Run the authorization server.
    Serve(ServeArgs),
    /// Check the configuration and the data file, then exit (non-zero on any problem).
    Check(ServeArgs),
    /// Manage the people who sign in.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the applications and devices that ask for tokens.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Manage groups of people, which clients' access policies name.
    #[command(subcommand)]
    Group(groups::GroupCommand),
    /// List or sign out the devices people have paired (their refresh-token grants).
    #[command(subcommand)]
    Grant(GrantCommand),
    /// List or rotate the token signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Print a shell completion script, e.g. `authbox completions bash >
    /// /usr/share/bash-completion/completions/authbox`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a consistent snapshot of the data file to FILE, while the server runs or not.
    /// FILE holds password hashes and signing keys: it is created readable by its owner only.
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Replace the data file with the snapshot in FILE (stop the server first). The snapshot
    /// is checked before anything changes; the old data file is kept beside it. A snapshot
    /// brings back what was true when it was taken: grants revoked since live again, refresh
    /// tokens rotated since work again, codes redeemed since can be redeemed again.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Before the restored file is used, sign every device and browser out and void every
        /// device code that has not yielded tokens (recommended).
        #[arg(long)]
        end_grants: bool,
    },
    /// Print a manual page (roff): authbox's own, e.g. `authbox man | man -l -`, or a command's,
    /// e.g. `authbox man user add | man -l -`.
    Man {
        /// The command whose page to print.
        #[arg(value_name = "COMMAND", conflicts_with = "dir")]
        command: Vec<String>,
        /// Write every page instead, authbox.1 and one per command (authbox-serve.1,
        /// authbox-user-add.1, …), into DIR.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Show the audit log: sign-ins, rejected codes, approvals, denials, redemptions,
    /// refresh-token reuse, revocations and sessions ended by account changes.
    Audit {
        /// Only events of the last DURATION (e.g. 1h, 7d).
        #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
        since: Option<std::time::Duration>,
        /// Only events about this user.
        #[arg(long)]
        user: Option<String>,
    },
    /// Lift "too many tries" pauses in the running server before they end by themselves: of
    /// one address (and its IPv6 /64), of one account's sign-ins and code entry, or of
    /// everyone. Recorded in the audit log.
    #[command(group(clap::ArgGroup::new("whom").required(true).args(["address", "user", "all"])))]
    Unlock {
        /// An address whose attempts were refused, e.g. 203.0.113.7.
        #[arg(long, value_name = "IP")]
        address: Option<String>,
        /// A username whose sign-ins (or code entry) were refused.
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
        /// Every address, browser and account.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is asked for on the terminal.
    Add {
        username: String,
        /// The name shown to the person and to applications.
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        email: Option<String>,
        /// Vouch that the email address belongs to the person.
        #[arg(long)]
        email_verified: bool,
        /// Allow this user to administer authbox.
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Show one user.
    Show { username: String },
    /// Set a new password. Signs the user out everywhere: browser sessions, device grants and
    /// access tokens end at once.
    Passwd {
        username: String,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
        /// Keep the user's devices signed in (their refresh and access tokens); browser
        /// sessions end all the same.
        #[arg(long)]
        keep_devices: bool,
    },
    /// Change a user's name, email or role. Their subject identifier (`sub`) stays, so every
    /// app goes on knowing them.
    Update {
        username: String,
        /// The name shown to the person and to applications ("" clears it).
        #[arg(long)]
        name: Option<String>,
        /// A new email address ("" clears it); it is unverified unless --email-verified.
        #[arg(long)]
        email: Option<String>,
        /// Vouch that the email address belongs to the person.
        #[arg(long, conflicts_with = "no_email_verified")]
        email_verified: bool,
        /// Withdraw that.
        #[arg(long)]
        no_email_verified: bool,
        /// Let the user administer authbox.
        #[arg(long, conflicts_with = "no_admin")]
        admin: bool,
        /// Take that away.
        #[arg(long)]
        no_admin: bool,
        /// Stop the user from signing in, as `user disable` does: ends their browser sessions,
        /// device grants and access tokens.
        #[arg(long, conflicts_with = "enabled")]
        disabled: bool,
        /// Let a disabled user sign in again, as `user enable` does.
        #[arg(long)]
        enabled: bool,
        /// Set a new password, asked for on the terminal, as `user passwd` does.
        #[arg(long, conflicts_with = "password_stdin")]
        password: bool,
        /// Set a new password read from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
        /// With a new password: keep the user's devices signed in.
        #[arg(long)]
        keep_devices: bool,
        /// Turn two-step sign-in (TOTP) off, for someone who lost their authenticator; their
        /// recovery codes go with it. They can set it up again from My account.
        #[arg(long)]
        no_totp: bool,
    },
    /// Invite someone: creates their account without a password and prints a one-time link
    /// (and its QR code) with which they choose one and sign in. Also lists and revokes links.
    Invite(links::InviteArgs),
    /// List invitations and recovery links: id, username, kind, state, expiry (never the link).
    Invites,
    /// Print a one-time recovery link for an existing account: using it sets a new password,
    /// ends the person's other sessions and, unless --keep-devices, their device grants.
    Reset(links::ResetArgs),
    /// Stop a user from signing in, ending their browser sessions, device grants and access
    /// tokens (nothing is deleted; enabling the user again brings none of them back).
    Disable { username: String },
    /// Let a disabled user sign in again.
    Enable { username: String },
    /// Delete a user, ending their sessions, device grants and access tokens. Their subject
    /// identifier is never given to anyone else.
    Remove { username: String },
}

/// Client settings shared by `client add` and `client update`.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// The name people see on the consent page.
    #[arg(long)]
    name: Option<String>,
    /// A grant the client may use: device_code, refresh_token, authorization_code or
    /// client_credentials. Repeat for several; on update, replaces the list.
    #[arg(long = "grant", value_name = "GRANT")]
    grants: Vec<String>,
    /// Space-separated scopes the client may ask for [default on add: openid profile email offline_access].
    #[arg(long, value_name = "SCOPES")]
    scope: Option<String>,
    /// A redirect URI for the authorization-code grant, matched exactly (`*` is no wildcard and
    /// is refused); repeat for several. On update, replaces the list.
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Where the browser may be sent after the app signs the person out (RP-initiated logout);
    /// repeat for several. On update, replaces the list.
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// Access token lifetime for this client (e.g. 5m), instead of the server's.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    access_token_ttl: Option<std::time::Duration>,
    /// Refresh token idle lifetime for this client.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    refresh_idle_ttl: Option<std::time::Duration>,
    /// Refresh token absolute lifetime for this client.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    refresh_max_ttl: Option<std::time::Duration>,
    /// ID token signing algorithm for this client: RS256 (default), ES256 or EdDSA.
    #[arg(long, value_name = "ALG")]
    id_token_alg: Option<String>,
    /// Access token signing algorithm for this client: ES256 (default), RS256 or EdDSA.
    #[arg(long, value_name = "ALG")]
    access_token_alg: Option<String>,
    /// Let this confidential client introspect tokens issued to other clients (a resource
    /// server). Without it, a client may introspect only its own tokens.
    #[arg(long, conflicts_with = "no_may_introspect")]
    may_introspect: bool,
    /// Take that permission away.
    #[arg(long)]
    no_may_introspect: bool,
    /// A web origin a browser app of this public client calls /device_authorization, /token
    /// and /revoke from, e.g. https://tv.example.org (CORS); repeat for several. On update,
    /// replaces the list.
    #[arg(long = "web-origin", value_name = "ORIGIN")]
    web_origins: Vec<String>,
    /// Only members of this group may use the client (sign in, pair, refresh); repeat for
    /// several (a member of any one may). On update, replaces the list.
    #[arg(
        long = "allow-group",
        value_name = "GROUP",
        conflicts_with = "allow_everyone"
    )]
    allow_groups: Vec<String>,
    /// Let everyone use the client again, whatever groups were named.
    #[arg(long)]
    allow_everyone: bool,
    /// The most a device grant of this client may carry, e.g. "openid profile": a device
    /// authorization asking for more is refused (invalid_scope), and one asking for nothing
    /// gets the defaults within it. "" lifts the cap. Cross-device BCP, "Limited Scopes".
    #[arg(long, value_name = "SCOPES")]
    device_scope_cap: Option<String>,
}

impl ClientArgs {
    fn to_settings(&self, disabled: Option<bool>) -> ClientSettings {
        let list = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
        ClientSettings {
            name: self.name.clone(),
            grants: list(&self.grants),
            scopes: self.scope.clone(),
            redirect_uris: list(&self.redirect_uris),
            post_logout_redirect_uris: list(&self.post_logout_redirect_uris),
            access_token_ttl: self.access_token_ttl,
            refresh_idle_ttl: self.refresh_idle_ttl,
            refresh_max_ttl: self.refresh_max_ttl,
            id_token_alg: self.id_token_alg.clone(),
            access_token_alg: self.access_token_alg.clone(),
            disabled,
            may_introspect: match (self.may_introspect, self.no_may_introspect) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            web_origins: list(&self.web_origins),
            allow_groups: if self.allow_everyone {
                Some(Vec::new())
            } else {
                list(&self.allow_groups)
            },
            device_scope_cap: self.device_scope_cap.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client. A confidential client's secret is printed once.
    Add {
        client_id: String,
        /// The client can keep a secret (a server, not a TV or CLI); one is generated.
        #[arg(long)]
        confidential: bool,
        #[command(flatten)]
        settings: ClientArgs,
    },
    /// List clients.
    List,
    /// Show one client.
    Show { client_id: String },
    /// Change a client's settings.
    Update {
        client_id: String,
        #[command(flatten)]
        settings: ClientArgs,
        /// Refuse all requests from this client.
        #[arg(long, conflicts_with = "enable")]
        disable: bool,
        /// Accept requests from a disabled client again.
        #[arg(long)]
        enable: bool,
    },
    /// Replace a confidential client's secret; the old one stops working at once.
    RotateSecret { client_id: String },
    /// Delete a client.
    Remove { client_id: String },
}

#[derive(Debug, Subcommand)]
pub enum GrantCommand {
    /// List pairings, newest first.
    List {
        /// Only this user's.
        #[arg(long)]
        user: Option<String>,
    },
    /// Sign a device out: its refresh tokens and live access tokens stop working at once.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// List signing keys: next (published, not signing yet), active and retired.
    List,
    /// Publish a fresh key now and sign with it 5 minutes later, once every cached copy of the
    /// JWKS (max-age 300 s) holds it; the old key signs until then and stays published until
    /// its tokens expire.
    Rotate {
        /// Rotate only this algorithm's key: RS256, ES256 or EdDSA.
        #[arg(long)]
        alg: Option<String>,
        /// Sign with the new key at once, for a key that must stop signing now (e.g. leaked).
        /// Verifiers holding a cached JWKS refuse the new tokens until their copy expires.
        #[arg(long)]
        now: bool,
    },
}

/// A failure to report on standard error before exiting non-zero.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(String);

impl From<ManageError> for CliError {
    fn from(e: ManageError) -> Self {
        CliError(e.to_string())
    }
}

fn fail(e: impl std::fmt::Display) -> CliError {
    CliError(e.to_string())
}

/// Writes generated text to standard output; a reader that stops early (`| head`) is no error.
fn print_bytes(bytes: &[u8]) -> Result<(), CliError> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(fail(e)),
        _ => Ok(()),
    }
}

/// A report as JSON for scripts, or as `key: value` lines.
fn print_report(report: &impl serde::Serialize, json: bool) -> Result<(), CliError> {
    let value = serde_json::to_value(report).map_err(fail)?;
    let text = if json {
        format!("{value}\n")
    } else {
        output::key_values(&value)
    };
    print_bytes(text.as_bytes())
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let request = match cli.command {
        Command::Demo(args) => return crate::demo::run(&args).map_err(fail),
        Command::Serve(args) => return serve(cli.data, &args),
        Command::Check(args) => {
            return check(cli.data, &args, cli.json, &cli.service_environment);
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "authbox", &mut script);
            return print_bytes(&script);
        }
        Command::Backup { file } => {
            let report = crate::backup::backup(&cli.data, &file, &cli.service_environment)
                .map_err(CliError)?;
            return print_report(&report, cli.json);
        }
        Command::Restore { file, end_grants } => {
            let report =
                crate::backup::restore(&cli.data, &file, end_grants, &cli.service_environment)
                    .map_err(CliError)?;
            return print_report(&report, cli.json);
        }
        Command::Man { dir: Some(dir), .. } => return manual::write_all(&dir).map_err(CliError),
        Command::Man { command, dir: None } => {
            let page = manual::page(&command).map_err(CliError)?;
            return print_bytes(&page.roff);
        }
        Command::User(command) => requests::user_request(command)?,
        Command::Client(command) => requests::client_request(command),
        Command::Group(command) => groups::request(command),
        Command::Grant(GrantCommand::List { user }) => AdminRequest::GrantList { username: user },
        Command::Grant(GrantCommand::Revoke { id }) => AdminRequest::GrantRevoke { id },
        Command::Audit { since, user } => AdminRequest::Audit {
            since_secs: since.map(|d| d.as_secs()),
            username: user,
        },
        Command::Unlock { address, user, all } => AdminRequest::Unlock {
            address,
            username: user,
            everyone: all,
        },
        Command::Key(KeyCommand::List) => AdminRequest::KeyList,
        Command::Key(KeyCommand::Rotate { alg, now }) => AdminRequest::KeyRotate { alg, now },
    };
    let response = client::run(&cli.data, &request, &cli.service_environment)?;
    output::print(&response, cli.json);
    Ok(())
}

fn serve(data: PathBuf, args: &ServeArgs) -> Result<(), CliError> {
    let config = Config::new(data, args).map_err(fail)?;
    http::block_on(async {
        let options = ServeOptions {
            clock: Arc::new(SystemClock),
            listener: None,
        };
        let signals = StopSignals::catch().map_err(fail)?;
        let server = start(&config, options).await.map_err(fail)?;
        server.run_until_signalled(signals).await.map_err(fail)
    })
}

/// Checks flags and environment, then the data file: through the server if one runs on it,
/// otherwise by opening it and running redb's integrity check.
fn check(
    data: PathBuf,
    args: &ServeArgs,
    json: bool,
    service: &ServiceEnvironment,
) -> Result<(), CliError> {
    let config = Config::new(data, args).map_err(fail)?;
    let socket = control::socket_path(&config.data);
    let status = if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
        client::run(&config.data, &AdminRequest::Status, service)?
    } else {
        let mut store = Store::open(&config.data, OpenMode::ExistingOnly).map_err(fail)?;
        store.check_integrity().map_err(fail)?;
        let app =
            app::App::new(store, Arc::new(SystemClock), config.settings.clone()).map_err(fail)?;
        app::admin::AdminResponse::Status {
            status: app.status().map_err(fail)?,
        }
    };
    output::print(&status, json);
    Ok(())
}
