//! Flags and `AUTHBOX_*` environment variables, validated once into a [`Config`] that is passed
//! explicitly to whatever needs it. There is no global configuration.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::app::settings::{AttemptBudget, DeviceAuthorizationLimits, Lifetimes, Settings};
use crate::crypto::tls::TlsFiles;
use crate::domain::network::{Cidr, PlainHttp, ProxyHeader};
use crate::domain::resource::{Resource, Resources};

mod duration;
mod issuer;
mod policy_from_env;
mod service_environment;
mod timeouts;
pub use duration::{format_duration, parse_duration};
pub use service_environment::{FileSetting, ServiceEnvironment, UNIT_DATA_FILE, blame_setting};
pub use timeouts::Timeouts;

use issuer::{check_issuer, check_issuer_answers, issuer_from_listen};

/// Everything `authbox serve` needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    pub data: PathBuf,
    pub listen: SocketAddr,
    /// Includes the issuer, exactly as metadata and tokens carry it.
    pub settings: Settings,
    pub sweep_interval: Duration,
    /// Serve `/metrics` here alone instead of on `listen`.
    pub metrics_listen: Option<SocketAddr>,
    /// Serve https with this certificate and key instead of plain http.
    pub tls: Option<TlsFiles>,
    /// How long clients may take; not a setting, so always the defaults outside tests.
    pub timeouts: Timeouts,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

/// Server flags.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address and port to listen on, e.g. 127.0.0.1:8080 or [::]:8080.
    #[arg(
        long,
        env = "AUTHBOX_LISTEN",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub listen: String,

    /// The issuer URL that clients and tokens name: https, or http to a loopback host only.
    /// Must match what people and devices use to reach authbox, without a trailing slash or a
    /// path: authbox serves at the root of its host. Without it, a loopback --listen gives
    /// http://localhost:PORT (https with --tls-cert); any other --listen needs it set.
    #[arg(long, env = "AUTHBOX_ISSUER", value_name = "URL")]
    pub issuer: Option<String>,

    /// The name the pages call this server by, e.g. "Home sign-in" (default: the issuer's host).
    #[arg(long, env = "AUTHBOX_SITE_NAME", value_name = "NAME")]
    pub site_name: Option<String>,

    /// A resource server and the scopes that are for it, as AUDIENCE=SCOPE,SCOPE: access tokens
    /// for those scopes carry that audience. Repeat for several (in the environment, separate
    /// them with ';'). OpenID Connect's scopes need no resource.
    #[arg(
        long = "resource",
        env = "AUTHBOX_RESOURCES",
        value_delimiter = ';',
        value_name = "AUDIENCE=SCOPES"
    )]
    pub resources: Vec<String>,

    /// A reverse proxy (address or block, e.g. 10.0.0.0/8) whose X-Forwarded-For header is
    /// believed for the client's address; repeat, or separate with ','. Others' headers are ignored.
    #[arg(
        long = "trusted-proxy",
        env = "AUTHBOX_TRUSTED_PROXIES",
        value_delimiter = ',',
        value_name = "CIDR"
    )]
    pub trusted_proxies: Vec<String>,

    /// The header the trusted proxies write the client's address into: x-forwarded-for, or
    /// forwarded (RFC 7239). Name the one your proxy sets, since the other passes through from
    /// the client unchecked.
    #[arg(
        long,
        env = "AUTHBOX_PROXY_HEADER",
        default_value = "x-forwarded-for",
        value_parser = ["x-forwarded-for", "forwarded"],
        value_name = "HEADER"
    )]
    pub proxy_header: String,

    /// Serve /metrics (Prometheus) on this address only, instead of on --listen; e.g.
    /// 127.0.0.1:9090. Without it, /metrics is on --listen only if that is a loopback address.
    #[arg(long, env = "AUTHBOX_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<String>,

    /// Serve https with this certificate chain (PEM), for boxes without a reverse proxy.
    /// SIGHUP re-reads it and the key, so a renewed certificate needs no restart.
    #[arg(
        long,
        env = "AUTHBOX_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,

    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1) for --tls-cert.
    #[arg(
        long,
        env = "AUTHBOX_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,

    /// How often expired grants, sessions and retired keys are deleted from the data file.
    #[arg(long, env = "AUTHBOX_SWEEP_INTERVAL", default_value = "60s", value_parser = parse_duration, value_name = "DURATION")]
    pub sweep_interval: Duration,

    #[command(flatten)]
    pub policy: PolicyArgs,
}

/// Lifetimes and attempt budgets. Durations take a unit: 90s, 10m, 8h, 14d.
#[derive(Debug, Clone, Args)]
pub struct PolicyArgs {
    /// INSECURE: accept plain http, not only https, for an issuer, redirect URIs and web
    /// origins on a private network (192.168.x.x, 10.x, fd00::/7, *.lan, *.local,
    /// *.home.arpa, one-label names). Anyone on that network can then read codes, passwords
    /// and tokens in transit; the README says what else, and how to get a certificate.
    #[arg(long, env = "AUTHBOX_PLAIN_HTTP_ON_PRIVATE_NETWORK")]
    pub plain_http_on_private_network: bool,

    /// Administrators must sign in with a second factor (TOTP): one without it is sent to set
    /// it up after signing in, and the admin pages refuse a session that did not use it.
    #[arg(long, env = "AUTHBOX_REQUIRE_SECOND_FACTOR_FOR_ADMINS")]
    pub require_second_factor_for_admins: bool,

    /// How long a device code and its user code stay valid (RFC 8628 `expires_in`).
    #[arg(long, env = "AUTHBOX_DEVICE_CODE_TTL", default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub device_code_ttl: Duration,

    /// The minimum time a device waits between polls (RFC 8628 `interval`).
    #[arg(long, env = "AUTHBOX_POLL_INTERVAL", default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub poll_interval: Duration,

    /// Access token lifetime (clients may set their own).
    #[arg(long, env = "AUTHBOX_ACCESS_TOKEN_TTL", default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub access_token_ttl: Duration,

    /// ID token lifetime.
    #[arg(long, env = "AUTHBOX_ID_TOKEN_TTL", default_value = "10m", value_parser = parse_duration, value_name = "DURATION")]
    pub id_token_ttl: Duration,

    /// A refresh token unused for this long expires.
    #[arg(long, env = "AUTHBOX_REFRESH_IDLE_TTL", default_value = "14d", value_parser = parse_duration, value_name = "DURATION")]
    pub refresh_idle_ttl: Duration,

    /// No refresh token outlives its grant by more than this, however often it is used.
    #[arg(long, env = "AUTHBOX_REFRESH_MAX_TTL", default_value = "90d", value_parser = parse_duration, value_name = "DURATION")]
    pub refresh_max_ttl: Duration,

    /// A spent refresh token presented again within this time of its rotation gets the same
    /// new token back instead of revoking the grant: for clients that retry a refresh whose
    /// answer they lost. 0 (the default) is strict reuse detection; at most 10s.
    #[arg(long, env = "AUTHBOX_REFRESH_GRACE", default_value = "0s", value_parser = parse_duration, value_name = "DURATION")]
    pub refresh_grace: Duration,

    /// A browser session unused for this long ends.
    #[arg(long, env = "AUTHBOX_SESSION_IDLE_TTL", default_value = "15m", value_parser = parse_duration, value_name = "DURATION")]
    pub session_idle_ttl: Duration,

    /// No browser session lasts longer than this.
    #[arg(long, env = "AUTHBOX_SESSION_MAX_TTL", default_value = "8h", value_parser = parse_duration, value_name = "DURATION")]
    pub session_max_ttl: Duration,

    /// Wrong user codes allowed per window (per IP, per browser, per account) before a pause.
    #[arg(
        long,
        env = "AUTHBOX_USER_CODE_ATTEMPTS",
        default_value_t = 5,
        value_name = "COUNT"
    )]
    pub user_code_attempts: u32,

    /// The window the user-code attempt budget counts over.
    #[arg(long, env = "AUTHBOX_USER_CODE_WINDOW", default_value = "15m", value_parser = parse_duration, value_name = "DURATION")]
    pub user_code_window: Duration,

    /// How long the audit log keeps an event.
    #[arg(long, env = "AUTHBOX_AUDIT_RETENTION", default_value = "90d", value_parser = parse_duration, value_name = "DURATION")]
    pub audit_retention: Duration,

    /// Failed sign-ins allowed per window (per account and per IP) before a pause.
    #[arg(
        long,
        env = "AUTHBOX_LOGIN_ATTEMPTS",
        default_value_t = 5,
        value_name = "COUNT"
    )]
    pub login_attempts: u32,

    /// The window the sign-in attempt budget counts over.
    #[arg(long, env = "AUTHBOX_LOGIN_WINDOW", default_value = "15m", value_parser = parse_duration, value_name = "DURATION")]
    pub login_window: Duration,

    /// Device authorizations accepted per minute from one address (an IPv4 address or an IPv6
    /// /64); more hear 429 with Retry-After.
    #[arg(
        long,
        env = "AUTHBOX_DEVICE_AUTHORIZATIONS_PER_ADDRESS",
        default_value_t = 20,
        value_name = "COUNT"
    )]
    pub device_authorizations_per_address: u32,

    /// Live device authorizations (within one --device-code-ttl) one client may have.
    #[arg(
        long,
        env = "AUTHBOX_DEVICE_AUTHORIZATIONS_PER_CLIENT",
        default_value_t = 10_000,
        value_name = "COUNT"
    )]
    pub device_authorizations_per_client: u32,

    /// Live device authorizations the whole server holds; this bounds what a flood can make
    /// the data file grow to.
    #[arg(
        long,
        env = "AUTHBOX_DEVICE_AUTHORIZATIONS_TOTAL",
        default_value_t = 50_000,
        value_name = "COUNT"
    )]
    pub device_authorizations_total: u32,
}

impl PolicyArgs {
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        let lifetimes = Lifetimes {
            device_code: self.device_code_ttl,
            poll_interval: self.poll_interval,
            access_token: self.access_token_ttl,
            id_token: self.id_token_ttl,
            refresh_idle: self.refresh_idle_ttl,
            refresh_max: self.refresh_max_ttl,
            refresh_grace: self.refresh_grace,
            session_idle: self.session_idle_ttl,
            session_max: self.session_max_ttl,
        };
        let secs = Duration::from_secs;
        within(
            "--poll-interval",
            lifetimes.poll_interval,
            secs(1),
            secs(60),
        )?;
        within(
            "--device-code-ttl",
            lifetimes.device_code,
            secs(10),
            secs(3600),
        )?;
        within(
            "--access-token-ttl",
            lifetimes.access_token,
            secs(10),
            secs(86_400),
        )?;
        within("--id-token-ttl", lifetimes.id_token, secs(10), secs(86_400))?;
        within(
            "--refresh-idle-ttl",
            lifetimes.refresh_idle,
            secs(10),
            secs(400 * 86_400),
        )?;
        within(
            "--refresh-max-ttl",
            lifetimes.refresh_max,
            secs(10),
            secs(400 * 86_400),
        )?;
        within(
            "--refresh-grace",
            lifetimes.refresh_grace,
            Duration::ZERO,
            secs(10),
        )?;
        within(
            "--session-idle-ttl",
            lifetimes.session_idle,
            secs(10),
            secs(30 * 86_400),
        )?;
        within(
            "--session-max-ttl",
            lifetimes.session_max,
            secs(10),
            secs(30 * 86_400),
        )?;
        within(
            "--user-code-window",
            self.user_code_window,
            secs(1),
            secs(86_400),
        )?;
        within("--login-window", self.login_window, secs(1), secs(86_400))?;
        within(
            "--audit-retention",
            self.audit_retention,
            secs(3600),
            secs(3650 * 86_400),
        )?;
        if lifetimes.device_code < 2 * lifetimes.poll_interval {
            return Err(ConfigError(
                "--device-code-ttl must be at least twice --poll-interval, or a device cannot poll before its code expires".into(),
            ));
        }
        if lifetimes.refresh_idle > lifetimes.refresh_max {
            return Err(ConfigError(
                "--refresh-idle-ttl must not exceed --refresh-max-ttl".into(),
            ));
        }
        if lifetimes.session_idle > lifetimes.session_max {
            return Err(ConfigError(
                "--session-idle-ttl must not exceed --session-max-ttl".into(),
            ));
        }
        for (flag, count) in [
            ("--user-code-attempts", self.user_code_attempts),
            ("--login-attempts", self.login_attempts),
        ] {
            if !(1..=1000).contains(&count) {
                return Err(ConfigError(format!(
                    "{flag} must be between 1 and 1000, not {count}"
                )));
            }
        }
        for (flag, count) in [
            (
                "--device-authorizations-per-address",
                self.device_authorizations_per_address,
            ),
            (
                "--device-authorizations-per-client",
                self.device_authorizations_per_client,
            ),
            (
                "--device-authorizations-total",
                self.device_authorizations_total,
            ),
        ] {
            if !(1..=10_000_000).contains(&count) {
                return Err(ConfigError(format!(
                    "{flag} must be between 1 and 10000000, not {count}"
                )));
            }
        }
        Ok(Settings {
            lifetimes,
            device_authorizations: DeviceAuthorizationLimits {
                per_address_per_minute: self.device_authorizations_per_address,
                live_per_client: self.device_authorizations_per_client,
                live_total: self.device_authorizations_total,
            },
            user_code_budget: AttemptBudget {
                failures: self.user_code_attempts,
                window: self.user_code_window,
            },
            login_budget: AttemptBudget {
                failures: self.login_attempts,
                window: self.login_window,
            },
            audit_retention: self.audit_retention,
            plain_http: if self.plain_http_on_private_network {
                PlainHttp::PrivateNetwork
            } else {
                PlainHttp::LoopbackOnly
            },
            second_factor_for_admins: self.require_second_factor_for_admins,
            ..Settings::default()
        })
    }
}

fn within(flag: &str, value: Duration, min: Duration, max: Duration) -> Result<(), ConfigError> {
    if value < min || value > max {
        return Err(ConfigError(format!(
            "{flag} is {}, but must be between {} and {}",
            format_duration(value),
            format_duration(min),
            format_duration(max)
        )));
    }
    Ok(())
}

impl Config {
    pub fn new(data: PathBuf, args: &ServeArgs) -> Result<Config, ConfigError> {
        let listen = parse_listen("--listen", &args.listen)?;
        let metrics_listen = match args.metrics_listen.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(addr) => Some(parse_listen("--metrics-listen", addr)?),
        };
        let tls = args.tls_cert.is_some();
        let plain_http = args.policy.settings()?.plain_http;
        let issuer = match args
            .issuer
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            Some(issuer) => {
                let issuer = check_issuer(issuer, plain_http)?;
                check_issuer_answers(&issuer, listen)?;
                issuer
            }
            None => issuer_from_listen(listen, tls, plain_http)?,
        };
        within(
            "--sweep-interval",
            args.sweep_interval,
            Duration::from_millis(10),
            Duration::from_secs(86_400),
        )?;
        let resources = args
            .resources
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| Resource::parse(r))
            .collect::<Result<Vec<_>, _>>()
            .and_then(Resources::new)
            .map_err(|e| ConfigError(format!("--resource: {e}")))?;
        let trusted_proxies = args
            .trusted_proxies
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| Cidr::parse(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ConfigError(format!("--trusted-proxy: {e}")))?;
        let site_name = match args.site_name.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(name) if name.chars().count() > 64 || name.chars().any(char::is_control) => {
                return Err(ConfigError(format!(
                    "--site-name {name:?} is not usable: at most 64 characters, none of them control characters"
                )));
            }
            Some(name) => Some(name.to_owned()),
        };
        let settings = Settings {
            issuer,
            site_name,
            resources,
            trusted_proxies,
            proxy_header: match args.proxy_header.as_str() {
                "forwarded" => ProxyHeader::Forwarded,
                _ => ProxyHeader::XForwardedFor,
            },
            ..args.policy.settings()?
        };
        Ok(Config {
            data,
            listen,
            settings,
            sweep_interval: args.sweep_interval,
            metrics_listen,
            tls: match (&args.tls_cert, &args.tls_key) {
                (Some(cert), Some(key)) => Some(TlsFiles {
                    cert: cert.clone(),
                    key: key.clone(),
                }),
                (None, None) => None,
                _ => {
                    return Err(ConfigError(
                        "--tls-cert and --tls-key go together: give both, or neither".into(),
                    ));
                }
            },
            timeouts: Timeouts::default(),
        })
    }
}

fn parse_listen(flag: &str, addr: &str) -> Result<SocketAddr, ConfigError> {
    addr.parse::<SocketAddr>().map_err(|_| {
        ConfigError(format!(
            "{flag} {addr:?} is not an address and port: use the form 127.0.0.1:8080 or [::]:8080"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert!(parse_duration("90").unwrap_err().contains("no unit"));
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(
            parse_duration("14d").unwrap(),
            Duration::from_secs(14 * 86_400)
        );
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    fn check_issuer_loopback(issuer: &str) -> Result<String, ConfigError> {
        check_issuer(issuer, PlainHttp::LoopbackOnly)
    }

    #[test]
    fn plain_http_on_a_private_network_needs_the_opt_in() {
        let private = PlainHttp::PrivateNetwork;
        assert!(check_issuer_loopback("http://192.168.1.10:8080").is_err());
        assert!(check_issuer("http://192.168.1.10:8080", private).is_ok());
        assert!(check_issuer("http://authbox.lan", private).is_ok());
        assert!(check_issuer("http://auth.example.org", private).is_err());
    }

    #[test]
    fn issuer_rules() {
        assert!(check_issuer_loopback("http://localhost:8080").is_ok());
        assert!(check_issuer_loopback("https://auth.example.org:8443").is_ok());
        assert!(check_issuer_loopback("https://auth.example.org/t1").is_err());
        assert!(check_issuer_loopback("http://auth.example.org").is_err());
        assert!(check_issuer_loopback("https://auth.example.org/").is_err());
        assert!(check_issuer_loopback("https://auth.example.org?x=1").is_err());
        assert!(check_issuer_loopback("ftp://auth.example.org").is_err());
    }

    #[test]
    fn formats_durations_in_their_largest_whole_unit() {
        assert_eq!(format_duration(Duration::from_secs(600)), "10m");
        assert_eq!(format_duration(Duration::from_secs(90)), "90s");
        assert_eq!(format_duration(Duration::from_secs(86_400)), "1d");
    }
}
