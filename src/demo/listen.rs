//! Where the demo listens: loopback by default; with `--lan`, this machine's address on its
//! private network, so a phone there can open the link in the QR code.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, UdpSocket};

use super::{DEFAULT_LISTEN, DemoError};
use crate::domain::network::is_private_v4;

/// The listener, and whether the default port was taken so another was chosen.
pub(super) fn bind(
    listen: Option<SocketAddr>,
    lan: bool,
) -> Result<(TcpListener, bool), DemoError> {
    let refused = |addr: SocketAddr, e: std::io::Error| {
        DemoError::Setup(format!(
            "cannot listen on {addr}: {e}; choose another port with --listen"
        ))
    };
    let ip = match (listen, lan) {
        (Some(addr), _) if !addr.ip().is_loopback() => {
            return Err(DemoError::Setup(format!(
                "the demo listens on loopback (127.0.0.1 or [::1]), or with --lan on this \
                 machine's private address, not on {addr}"
            )));
        }
        (Some(addr), _) => {
            return Ok((
                TcpListener::bind(addr).map_err(|e| refused(addr, e))?,
                false,
            ));
        }
        (None, true) => lan_address()?,
        (None, false) => Ipv4Addr::LOCALHOST,
    };
    let preferred = SocketAddr::V4(SocketAddrV4::new(ip, DEFAULT_LISTEN.port()));
    match TcpListener::bind(preferred) {
        Ok(listener) => Ok((listener, false)),
        Err(_) => {
            let any = SocketAddr::V4(SocketAddrV4::new(ip, 0));
            Ok((TcpListener::bind(any).map_err(|e| refused(any, e))?, true))
        }
    }
}

/// The address this machine sends from toward the network. Connecting a UDP socket only picks
/// the route; no packet leaves. Only a private address is used: the demo is not for the
/// internet.
fn lan_address() -> Result<Ipv4Addr, DemoError> {
    let unreachable = |why: String| {
        DemoError::Setup(format!(
            "--lan: cannot tell this machine's address on the local network ({why})"
        ))
    };
    let socket =
        UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).map_err(|e| unreachable(e.to_string()))?;
    // TEST-NET-1 (RFC 5737): never routed anywhere, yet it selects the default route.
    socket
        .connect((Ipv4Addr::new(192, 0, 2, 1), 9))
        .map_err(|e| unreachable(format!("no route to a network: {e}")))?;
    match socket.local_addr().map(|a| a.ip()) {
        Ok(IpAddr::V4(ip)) if is_private_v4(ip) => Ok(ip),
        Ok(ip) => Err(DemoError::Setup(format!(
            "--lan: this machine's address toward the network is {ip}, which is not a private \
             network's; the demo does not serve on it"
        ))),
        Err(e) => Err(unreachable(e.to_string())),
    }
}
