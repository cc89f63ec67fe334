//! The client address the rate limits and the consent page see: the peer, or behind a trusted
//! proxy the address it forwarded in `X-Forwarded-For` (RFC 9700 §4.13), and the address
//! blocks an operator names as trusted proxies.
//!
//! Input: the peer address on the first line, the `X-Forwarded-For` header's lines on the
//! second, separated by `|` (no second line: no header), then the trusted blocks, separated by
//! spaces. Checks:
//! - an address block contains its own address;
//! - an untrusted peer is the client, whatever it forwards;
//! - behind trusted proxies the client is the nearest forwarded address that is not a trusted
//!   proxy, reading every line in order from the right, or, where the list runs out or stops
//!   making sense, the last trusted hop reached;
//! - the answer is canonical: never an IPv4-mapped IPv6 address.
#![no_main]

use std::net::IpAddr;

use authbox::domain::network::{Cidr, ProxyHeader, client_address};
use authbox_fuzz::first_line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (peer, rest) = first_line(text.as_bytes());
    let (forwarded, trusted) = if rest.is_empty() {
        (None, rest)
    } else {
        let (forwarded, trusted) = first_line(rest);
        (Some(forwarded), trusted)
    };
    let as_text = |bytes| std::str::from_utf8(bytes).expect("split at an ASCII newline");
    let trusted: Vec<Cidr> = as_text(trusted)
        .split(' ')
        .filter_map(check_block)
        .collect();
    let Ok(peer) = as_text(peer).trim().parse::<IpAddr>() else {
        return;
    };
    check_client_address(peer, forwarded.map(as_text), &trusted);
});

fn check_block(text: &str) -> Option<Cidr> {
    let block = Cidr::parse(text).ok()?;
    let address = text.trim().split('/').next().unwrap_or_default();
    let address: IpAddr = address.parse().expect("an accepted block has an address");
    assert!(
        block.contains(address),
        "{text:?} does not contain {address}"
    );
    Some(block)
}

/// A hop as an address: bare, `[v6]:port` or `v4:port`, IPv4-mapped addresses as IPv4.
fn hop_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let bare = if let Some(inner) = hop.strip_prefix('[') {
        &inner[..inner.find(']')?]
    } else if let Some((host, _port)) = hop.split_once(':').filter(|(_, p)| !p.contains(':')) {
        host
    } else {
        hop
    };
    bare.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

fn check_client_address(peer: IpAddr, forwarded: Option<&str>, trusted: &[Cidr]) {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|block| block.contains(ip));
    let lines: Vec<&str> = forwarded
        .map(|f| f.split('|').collect())
        .unwrap_or_default();
    let client = client_address(peer, &ProxyHeader::XForwardedFor.hops(&lines), trusted);
    assert!(
        !matches!(client, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some()),
        "{client} is not canonical"
    );
    let peer = peer.to_canonical();
    if !is_trusted(peer) {
        assert_eq!(client, peer, "an untrusted peer chose its address");
        return;
    }
    // Walk from the proxy nearest to us outwards, as far as the trusted chain goes.
    let mut expected = peer;
    let hops: Vec<&str> = lines.iter().flat_map(|line| line.split(',')).collect();
    for hop in hops.into_iter().rev() {
        let Some(ip) = hop_address(hop) else {
            break;
        };
        expected = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    assert_eq!(
        client, expected,
        "peer {peer}, X-Forwarded-For {forwarded:?}"
    );
}
