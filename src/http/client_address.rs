//! The client's address as the rate limits and the consent page see it.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::app::App;
use crate::domain::network;

/// The peer, or, behind a configured trusted proxy, the address it forwarded for. Canonical:
/// an IPv4 peer of a `[::]` listener is its IPv4 address, here at the edge, once.
pub fn client_address(request: &HttpRequest, app: &App) -> Option<IpAddr> {
    let peer = request.peer_addr()?.ip();
    let settings = app.settings();
    if settings.trusted_proxies.is_empty() {
        return Some(peer.to_canonical());
    }
    let header = settings.proxy_header;
    let lines: Vec<&str> = request
        .headers()
        .get_all(header.name())
        .filter_map(|v| v.to_str().ok())
        .collect();
    Some(network::client_address(
        peer,
        &header.hops(&lines),
        &settings.trusted_proxies,
    ))
}
