//! OAuth clients: who may ask for what, and how they prove who they are (RFC 6749 §2).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::group::GroupId;
use super::network::PlainHttp;
use super::scope::ScopeSet;
use super::signing::SigningAlg;
use super::time::Timestamp;
use super::web_origin::WebOrigin;
use super::{Invalid, has_control};

/// RFC 6749 App. A.1: `client-id = *VSCHAR`, so `:` and space are legal; authbox also bounds the
/// length and refuses leading or trailing spaces, which no one types on purpose.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientId(String);

impl ClientId {
    pub fn parse(text: &str) -> Result<Self, Invalid> {
        let valid = (1..=128).contains(&text.len())
            && text.bytes().all(|b| (0x20..=0x7E).contains(&b))
            && !text.starts_with(' ')
            && !text.ends_with(' ');
        if valid {
            Ok(ClientId(text.to_owned()))
        } else {
            Err(Invalid::new(format!(
                "client id {text:?} is not allowed: use 1 to 128 printable ASCII characters, without leading or trailing spaces"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The grants a client may be allowed. Each is off until the operator enables it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GrantType {
    DeviceCode,
    RefreshToken,
    AuthorizationCode,
    ClientCredentials,
}

impl GrantType {
    pub const ALL: [GrantType; 4] = [
        GrantType::DeviceCode,
        GrantType::RefreshToken,
        GrantType::AuthorizationCode,
        GrantType::ClientCredentials,
    ];

    /// The short name operators type on the command line.
    pub fn name(self) -> &'static str {
        match self {
            GrantType::DeviceCode => "device_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::ClientCredentials => "client_credentials",
        }
    }

    /// The `grant_type` value on the wire (RFC 8628 §3.4 for the device grant).
    pub fn wire_name(self) -> &'static str {
        match self {
            GrantType::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            other => other.name(),
        }
    }
}

impl FromStr for GrantType {
    type Err = Invalid;

    fn from_str(text: &str) -> Result<Self, Invalid> {
        GrantType::ALL
            .into_iter()
            .find(|g| g.name() == text || g.wire_name() == text)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "unknown grant {text:?}: use device_code, refresh_token, authorization_code or client_credentials"
                ))
            })
    }
}

impl fmt::Display for GrantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A SHA-256 digest of a client secret; the secret itself is never kept.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretDigest(pub [u8; 32]);

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(…)")
    }
}

/// RFC 6749 §2.1 client types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientKind {
    /// Cannot keep a secret (TVs, CLIs): identified by `client_id` alone, never trusted for it.
    Public,
    /// Authenticates with a secret (`client_secret_basic` or `client_secret_post`).
    Confidential { secret: SecretDigest },
}

/// Lifetimes that override the server's defaults for one client.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientLifetimes {
    pub access_token: Option<Duration>,
    pub refresh_idle: Option<Duration>,
    pub refresh_max: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub kind: ClientKind,
    pub grant_types: Vec<GrantType>,
    pub scopes: ScopeSet,
    pub redirect_uris: Vec<RedirectUri>,
    /// Where RP-initiated logout may send the browser afterwards (OIDC RP-Initiated Logout §3).
    pub post_logout_redirect_uris: Vec<RedirectUri>,
    pub lifetimes: ClientLifetimes,
    pub id_token_alg: Option<SigningAlg>,
    pub access_token_alg: Option<SigningAlg>,
    pub created_at: Timestamp,
    pub disabled: bool,
    /// A resource server: may introspect tokens issued to other clients (RFC 7662 §4).
    pub may_introspect: bool,
    /// The web origins a browser app of this (public) client calls the token endpoints from;
    /// CORS lets them read the answers.
    pub web_origins: Vec<WebOrigin>,
    /// The groups whose members may use this client; none means everyone (the policy is
    /// checked by `App::may_use`). Ids, so a renamed group keeps its place here.
    pub allowed_groups: Vec<GroupId>,
    /// The most a device grant of this client may carry, whatever the client may ask for
    /// otherwise; `None` caps nothing. Cross-device BCP (draft-ietf-oauth-cross-device-security),
    /// "Limited Scopes": a phished device code should be worth little.
    pub device_scope_cap: Option<ScopeSet>,
}

impl Client {
    pub fn is_confidential(&self) -> bool {
        matches!(self.kind, ClientKind::Confidential { .. })
    }

    pub fn allows(&self, grant: GrantType) -> bool {
        self.grant_types.contains(&grant)
    }

    /// RFC 7662 §4 ("specifically authorized"): whether this client, authenticated, may learn
    /// about a token issued to `owner`. Its own tokens always; another client's only as a
    /// resource server (`--may-introspect`), so one client cannot read, say, another's
    /// refresh tokens. Only confidential clients can authenticate to ask at all.
    pub fn may_introspect_tokens_of(&self, owner: &str) -> bool {
        self.is_confidential() && !self.disabled && (self.may_introspect || self.id.0 == owner)
    }

    /// The rules that tie a client's settings together; checked on every create and update.
    pub fn check_consistency(&self) -> Result<(), Invalid> {
        if self.grant_types.is_empty() {
            return Err(Invalid::new(
                "a client needs at least one grant: add --grant device_code (or refresh_token, authorization_code, client_credentials)",
            ));
        }
        if self.allows(GrantType::ClientCredentials) && !self.is_confidential() {
            return Err(Invalid::new(
                "client_credentials needs a confidential client: create it with --confidential",
            ));
        }
        if self.allows(GrantType::AuthorizationCode) && self.redirect_uris.is_empty() {
            return Err(Invalid::new(
                "authorization_code needs at least one --redirect-uri",
            ));
        }
        if !self.web_origins.is_empty() && self.is_confidential() {
            return Err(Invalid::new(
                "--web-origin needs a public client: a page in a browser cannot keep a secret",
            ));
        }
        if self.may_introspect && !self.is_confidential() {
            return Err(Invalid::new(
                "--may-introspect needs a confidential client: a public one cannot prove who it is",
            ));
        }
        if self.allows(GrantType::RefreshToken)
            && !self.allows(GrantType::DeviceCode)
            && !self.allows(GrantType::AuthorizationCode)
        {
            return Err(Invalid::new(
                "refresh_token only makes sense with device_code or authorization_code",
            ));
        }
        Ok(())
    }
}

/// A redirect URI registered for the authorization-code grant, matched exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedirectUri(String);

impl RedirectUri {
    /// A redirect URI being registered: [`RedirectUri::from_stored`]'s rules, and no `*` in its
    /// host or path. A redirect URI matches only character for character (RFC 9700 §2.1,
    /// §4.1.3), so a `*` meant as a wildcard would be stored as a URI no client ever sends.
    /// Plain http goes to a loopback host, or with [`PlainHttp::PrivateNetwork`] also to a
    /// private network's.
    pub fn parse(text: &str, plain_http: PlainHttp) -> Result<Self, Invalid> {
        let uri = Self::checked(text, plain_http)?;
        let url = url::Url::parse(text).map_err(|e| Invalid::new(e.to_string()))?;
        if url.host_str().unwrap_or_default().contains('*') || url.path().contains('*') {
            return Err(Invalid::new(format!(
                "redirect URI {text:?} is not allowed: `*` is not a wildcard here; a redirect \
                 URI must equal the one the client sends, character for character (RFC 9700 \
                 §2.1, §4.1.3), so register each URI in full"
            )));
        }
        Ok(uri)
    }

    /// A redirect URI read back from the data file, under the rules it was registered by:
    /// absolute, no fragment (RFC 6749 §3.1.2); plain http only to loopback hosts (RFC 8252
    /// §7.3); other schemes only in the reverse-domain form of private-use schemes (RFC 8252
    /// §7.1). Earlier versions also took a `*`; such a URI still loads (it never matches), so
    /// the client and its other URIs keep working.
    /// Plain http to a private network's host, registered while the operator allowed it, also
    /// still loads; whether such a URI is used is decided where it is used.
    pub fn from_stored(text: &str) -> Result<Self, Invalid> {
        Self::checked(text, PlainHttp::PrivateNetwork)
    }

    fn checked(text: &str, plain_http: PlainHttp) -> Result<Self, Invalid> {
        let fail = |why: &str| Invalid::new(format!("redirect URI {text:?} is not allowed: {why}"));
        if has_control(text) || text.contains(' ') {
            return Err(fail("it contains spaces or control characters"));
        }
        let url = url::Url::parse(text).map_err(|e| fail(&e.to_string()))?;
        if url.fragment().is_some() {
            return Err(fail("it must not carry a #fragment"));
        }
        match url.scheme() {
            "https" => {}
            "http" if plain_http.allows(&url) => {}
            "http" => {
                return Err(fail(
                    "plain http is only allowed to localhost, 127.0.0.1 or [::1] (or, with \
                     --plain-http-on-private-network, to a private network's hosts)",
                ));
            }
            scheme if scheme.contains('.') => {}
            _ => {
                return Err(fail(
                    "use https, http to a loopback host, or a reverse-domain scheme",
                ));
            }
        }
        Ok(RedirectUri(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `presented` names this redirect URI: the same string, character for character
    /// (RFC 9700 §4.1.3), except that a loopback IP redirect may use any port, since a native app
    /// takes whichever port is free when it starts (RFC 8252 §7.3).
    pub fn matches(&self, presented: &str) -> bool {
        if presented == self.0 {
            return true;
        }
        let (Ok(registered), Ok(presented_url)) =
            (url::Url::parse(&self.0), url::Url::parse(presented))
        else {
            return false;
        };
        let loopback_ip = |url: &url::Url| {
            url.scheme() == "http"
                && match url.host() {
                    Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                    Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                    _ => false,
                }
        };
        // Only an already-canonical string is compared, so no normalisation (`..`, case,
        // escapes) can turn one URI into another.
        if presented_url.as_str() != presented || !loopback_ip(&registered) {
            return false;
        }
        let without_port = |mut url: url::Url| {
            let _ = url.set_port(None);
            url.to_string()
        };
        registered.host() == presented_url.host()
            && without_port(registered.clone()) == without_port(presented_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_id_allows_colon_and_space() {
        assert!(ClientId::parse("tv:conf 2").is_ok());
        assert!(ClientId::parse(" tv").is_err());
        assert!(ClientId::parse("tv\u{7f}").is_err());
        assert!(ClientId::parse("").is_err());
    }

    #[test]
    fn grant_type_accepts_short_and_wire_names() {
        assert_eq!(
            "device_code".parse::<GrantType>().unwrap(),
            GrantType::DeviceCode
        );
        assert_eq!(
            "urn:ietf:params:oauth:grant-type:device_code"
                .parse::<GrantType>()
                .unwrap(),
            GrantType::DeviceCode
        );
        assert!("password".parse::<GrantType>().is_err());
    }

    #[test]
    fn redirect_uri_rules() {
        assert!(RedirectUri::parse("https://app.example/cb", PlainHttp::LoopbackOnly).is_ok());
        assert!(RedirectUri::parse("http://127.0.0.1:8000/cb", PlainHttp::LoopbackOnly).is_ok());
        assert!(RedirectUri::parse("com.example.app:/cb", PlainHttp::LoopbackOnly).is_ok());
        assert!(RedirectUri::parse("http://app.example/cb", PlainHttp::LoopbackOnly).is_err());
        assert!(RedirectUri::parse("https://app.example/cb#x", PlainHttp::LoopbackOnly).is_err());
        assert!(RedirectUri::parse("/relative", PlainHttp::LoopbackOnly).is_err());
        assert!(RedirectUri::parse("javascript:alert(1)", PlainHttp::LoopbackOnly).is_err());
        for wildcard in [
            "https://app.example/*",
            "https://*.app.example/cb",
            "https://app.example/cb*",
            "com.example.app:/*",
        ] {
            assert!(
                RedirectUri::parse(wildcard, PlainHttp::LoopbackOnly).is_err(),
                "{wildcard}"
            );
            assert!(RedirectUri::from_stored(wildcard).is_ok(), "{wildcard}");
        }
        assert!(
            RedirectUri::parse("https://app.example/cb?scope=*", PlainHttp::LoopbackOnly).is_ok()
        );
    }

    #[test]
    fn redirect_uris_match_exactly_but_loopback_ips_take_any_port() {
        let web = RedirectUri::parse("https://app.example/cb", PlainHttp::LoopbackOnly).unwrap();
        assert!(web.matches("https://app.example/cb"));
        for trick in [
            "https://app.example/cb/extra",
            "https://app.example/cb?x=1",
            "https://app.example/CB",
            "HTTPS://app.example/cb",
            "https://app.example/cb#",
            "https://user@app.example/cb",
            "https://app.example:8443/cb",
            "https://app.example/cb/../cb",
            "https://app.example.evil/cb",
        ] {
            assert!(!web.matches(trick), "{trick}");
        }
        let native =
            RedirectUri::parse("http://127.0.0.1/callback", PlainHttp::LoopbackOnly).unwrap();
        assert!(native.matches("http://127.0.0.1:51004/callback"));
        assert!(!native.matches("http://127.0.0.1:51004/callback/x"));
        assert!(!native.matches("http://127.0.0.2:51004/callback"));
        assert!(!native.matches("http://localhost:51004/callback"));
        assert!(!native.matches("https://127.0.0.1:51004/callback"));
        let v6 = RedirectUri::parse("http://[::1]:8000/cb", PlainHttp::LoopbackOnly).unwrap();
        assert!(v6.matches("http://[::1]:9000/cb"));
        let named =
            RedirectUri::parse("http://localhost:8000/cb", PlainHttp::LoopbackOnly).unwrap();
        assert!(named.matches("http://localhost:8000/cb"));
        assert!(
            !named.matches("http://localhost:9000/cb"),
            "only IP literals"
        );
    }
}
