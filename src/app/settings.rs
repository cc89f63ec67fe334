//! The lifetimes and attempt budgets the use cases follow, with the defaults of SPEC §10.

use crate::domain::network::PlainHttp;
use std::time::Duration;

use crate::domain::network::{Cidr, ProxyHeader};
use crate::domain::resource::Resources;

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

/// How long each artifact lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifetimes {
    /// `expires_in` of a device authorization (RFC 8628 §3.2).
    pub device_code: Duration,
    /// The minimum polling `interval` (RFC 8628 §3.2).
    pub poll_interval: Duration,
    pub access_token: Duration,
    pub id_token: Duration,
    /// A refresh token unused this long expires (RFC 9700 §4.14.2).
    pub refresh_idle: Duration,
    /// No refresh token of a grant outlives this, however often it is used.
    pub refresh_max: Duration,
    /// How long after a rotation the old token, presented again, gets the same successor
    /// instead of revoking the grant (SPEC D5: 0, strict reuse detection, unless configured).
    pub refresh_grace: Duration,
    pub session_idle: Duration,
    pub session_max: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Lifetimes {
            device_code: 10 * MINUTE,
            poll_interval: Duration::from_secs(5),
            access_token: 10 * MINUTE,
            id_token: 10 * MINUTE,
            refresh_idle: 14 * DAY,
            refresh_max: 90 * DAY,
            refresh_grace: Duration::ZERO,
            session_idle: 15 * MINUTE,
            session_max: 8 * HOUR,
        }
    }
}

/// So many failures within a window, then the door closes until the window has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptBudget {
    pub failures: u32,
    pub window: Duration,
}

/// How many device authorizations are taken (RFC 8628 §3.1 is an unauthenticated write for
/// public clients): each stored grant costs the data file about half a kilobyte until it is
/// swept, so these bound what a flood can make it grow to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceAuthorizationLimits {
    /// Per address (an IPv4 address, or an IPv6 /64) per minute.
    pub per_address_per_minute: u32,
    /// Live grants (issued within one code lifetime) per client.
    pub live_per_client: u32,
    /// Live grants for all clients together.
    pub live_total: u32,
}

impl Default for DeviceAuthorizationLimits {
    fn default() -> Self {
        DeviceAuthorizationLimits {
            per_address_per_minute: 20,
            live_per_client: 10_000,
            live_total: 50_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The issuer exactly as metadata and tokens carry it: no trailing slash.
    pub issuer: String,
    /// What the pages call the server (`--site-name`); `None` for the issuer's host.
    pub site_name: Option<String>,
    /// The resource servers API scopes belong to; OpenID Connect's scopes need none.
    pub resources: Resources,
    pub lifetimes: Lifetimes,
    pub user_code_budget: AttemptBudget,
    pub login_budget: AttemptBudget,
    pub device_authorizations: DeviceAuthorizationLimits,
    /// Reverse proxies whose `X-Forwarded-For` is believed (RFC 9700 §4.13).
    pub trusted_proxies: Vec<Cidr>,
    /// The header those proxies write the client's address into.
    pub proxy_header: ProxyHeader,
    /// How long audit events are kept.
    pub audit_retention: Duration,
    /// Where plain http is accepted for the issuer, redirect URIs and web origins.
    pub plain_http: PlainHttp,
    /// Administrators must sign in with a second factor: one without is sent to set it up,
    /// and the admin pages refuse a session that did not use one.
    pub second_factor_for_admins: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let budget = AttemptBudget {
            failures: 5,
            window: 15 * MINUTE,
        };
        Settings {
            issuer: "http://localhost:8080".into(),
            site_name: None,
            resources: Resources::default(),
            lifetimes: Lifetimes::default(),
            user_code_budget: budget,
            login_budget: budget,
            device_authorizations: DeviceAuthorizationLimits::default(),
            trusted_proxies: Vec::new(),
            plain_http: PlainHttp::LoopbackOnly,
            proxy_header: ProxyHeader::default(),
            audit_retention: 90 * DAY,
            second_factor_for_admins: false,
        }
    }
}

impl Settings {
    /// The name the pages give the server: `--site-name`, else the issuer's host.
    pub fn site_name(&self) -> String {
        if let Some(name) = &self.site_name {
            return name.clone();
        }
        url::Url::parse(&self.issuer)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.issuer.clone())
    }

    /// The audience of access tokens for the OpenID Connect scopes: the UserInfo endpoint.
    pub fn userinfo_audience(&self) -> String {
        format!("{}/userinfo", self.issuer)
    }
}

/// How long a JWKS response may be cached (`Cache-Control: max-age`); a rotated-in key is
/// published this long before it signs, and retired keys stay published at least this much
/// longer than their last token, so no cache misses a key. `key rotate --help` and the README
/// quote the value.
pub const JWKS_MAX_AGE: Duration = Duration::from_secs(300);
