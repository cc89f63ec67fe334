//! The client's address as the rate limits and the consent page see it.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::app::App;
use crate::domain::network;

/// The peer, or, behind a configured trusted proxy, the address it forwarded for.
pub fn client_address(request: &HttpRequest, app: &App) -> Option<IpAddr> {
    let peer = request.peer_addr()?.ip();
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    Some(network::client_address(
        peer,
        forwarded,
        &app.settings().trusted_proxies,
    ))
}
