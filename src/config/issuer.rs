//! The issuer: checked as given, or taken from a loopback listen address when not given.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::ConfigError;
use crate::domain::network::{PlainHttp, is_loopback_host, is_private_v4};

/// OIDC Discovery §4.3 compares issuers byte for byte, so the issuer is kept exactly as typed
/// once it passes these rules.
pub(super) fn check_issuer(issuer: &str, plain_http: PlainHttp) -> Result<String, ConfigError> {
    let fail = |why: &str| ConfigError(format!("--issuer {issuer:?} is not usable: {why}"));
    let url = url::Url::parse(issuer).map_err(|e| fail(&e.to_string()))?;
    match url.scheme() {
        "https" => {}
        "http" if plain_http.allows(&url) => {}
        "http" if PlainHttp::PrivateNetwork.allows(&url) => {
            return Err(fail(
                "plain http is only allowed for localhost, 127.0.0.1 or [::1]; use https (see \
                 the README for a certificate, or a proxy in front), or, knowing what anyone on \
                 the network can then see, --plain-http-on-private-network",
            ));
        }
        "http" => {
            return Err(fail(
                "plain http is only allowed for localhost, 127.0.0.1 or [::1]; use https",
            ));
        }
        _ => return Err(fail("it must start with https://")),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(fail("it must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(fail("it must not carry a user name or password"));
    }
    if issuer.ends_with('/') {
        return Err(fail("remove the trailing slash"));
    }
    // Every endpoint (/token, /device, /jwks, …) is served at the root of the host, and the
    // metadata names them under the issuer, so an issuer with a path would advertise URLs
    // nothing answers.
    if url.path() != "/" {
        return Err(fail(&format!(
            "it has a path ({}), but authbox serves at the root of its host and serving under a \
             path is not supported; give it a host (or port) of its own, e.g. https://auth.example.org",
            url.path()
        )));
    }
    Ok(issuer.to_owned())
}

/// The issuer of a server nobody named one for: only a loopback `listen` says for sure where
/// people reach it. Any other address may sit behind a proxy, a name or a port mapping, and a
/// guess would send devices to a URL nothing answers on.
pub(super) fn issuer_from_listen(
    listen: SocketAddr,
    tls: bool,
    plain_http: PlainHttp,
) -> Result<String, ConfigError> {
    let scheme = if tls { "https" } else { "http" };
    let host = match listen.ip() {
        IpAddr::V4(ip) if ip == Ipv4Addr::LOCALHOST => "localhost".to_owned(),
        IpAddr::V4(ip) if ip.is_loopback() => ip.to_string(),
        IpAddr::V6(ip) if ip.is_loopback() => format!("[{ip}]"),
        // One private address, opted in to plain http: that address is where people come.
        IpAddr::V4(ip) if plain_http == PlainHttp::PrivateNetwork && is_private_v4(ip) => {
            ip.to_string()
        }
        _ => {
            return Err(ConfigError(format!(
                "--listen {listen} takes connections from other machines, so the URL people and \
                 devices should be sent to cannot be guessed: set --issuer (AUTHBOX_ISSUER) to \
                 it, e.g. https://auth.example.org"
            )));
        }
    };
    let port = match (tls, listen.port()) {
        (false, 80) | (true, 443) => String::new(),
        (_, port) => format!(":{port}"),
    };
    Ok(format!("{scheme}://{host}{port}"))
}

/// An issuer on a loopback host can only be this server itself (no proxy puts a loopback name
/// in front of it), so it must name the port the server listens on, and the server must listen
/// on loopback; otherwise every device would be sent to a URL nothing answers on.
pub(super) fn check_issuer_answers(issuer: &str, listen: SocketAddr) -> Result<(), ConfigError> {
    let Ok(url) = url::Url::parse(issuer) else {
        return Ok(());
    };
    if !is_loopback_host(&url) {
        return Ok(());
    }
    let port = url.port_or_known_default().unwrap_or(0);
    let reaches_loopback = listen.ip().is_loopback() || listen.ip().is_unspecified();
    if port != listen.port() || !reaches_loopback {
        return Err(ConfigError(format!(
            "--issuer {issuer} names this machine on port {port}, but --listen {listen} does not \
             answer there, so devices would be sent to a URL nothing answers on: make them \
             agree, or leave --issuer out to take it from a loopback --listen"
        )));
    }
    Ok(())
}
