//! Whether two addresses look like the same home network, for the consent page's hint
//! (RFC 8628 §5.4): the same /24 for IPv4, the same /64 for IPv6.

use std::net::IpAddr;

use super::Invalid;

/// An address block such as `10.0.0.0/8` or `fd00::/8` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, Invalid> {
        let bad = || {
            Invalid::new(format!(
                "{text:?} is not an address or address block like 10.0.0.0/8"
            ))
        };
        let (address, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let network: IpAddr = address.parse().map_err(|_| bad())?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { network, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let masked = |bytes: &[u8], other: &[u8]| {
            let full = usize::from(self.prefix / 8);
            let rest = self.prefix % 8;
            bytes[..full] == other[..full]
                && (rest == 0 || (bytes[full] ^ other[full]) & (0xFFu8 << (8 - rest)) == 0)
        };
        match (self.network, address) {
            (IpAddr::V4(n), IpAddr::V4(a)) => masked(&n.octets(), &a.octets()),
            (IpAddr::V6(n), IpAddr::V6(a)) => masked(&n.octets(), &a.octets()),
            _ => false,
        }
    }
}

/// The client's address: the connection's peer, unless the peer is a trusted proxy, in which
/// case the nearest address in `X-Forwarded-For` that is not itself a trusted proxy
/// (RFC 9700 §4.13: an untrusted peer cannot choose the address the rate limits see).
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops = forwarded_for
        .unwrap_or_default()
        .split(',')
        .rev()
        .map(str::trim);
    let mut client = peer;
    for hop in hops {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip) => client = ip,
            Ok(ip) => return ip,
            Err(_) => break,
        }
    }
    client
}

pub fn same_network(a: IpAddr, b: IpAddr) -> bool {
    match (a, b) {
        (IpAddr::V4(a), IpAddr::V4(b)) => a.octets()[..3] == b.octets()[..3],
        (IpAddr::V6(a), IpAddr::V6(b)) => a.octets()[..8] == b.octets()[..8],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let block = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(block.contains(ip("10.1.200.3")) && !block.contains(ip("10.2.0.1")));
        assert!(
            Cidr::parse("192.168.1.7")
                .unwrap()
                .contains(ip("192.168.1.7"))
        );
        assert!(Cidr::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(Cidr::parse("10.0.0.0/33").is_err() && Cidr::parse("nope").is_err());
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxies = [Cidr::parse("10.0.0.0/8").unwrap()];
        assert_eq!(
            client_address(ip("203.0.113.9"), Some("1.2.3.4"), &proxies),
            ip("203.0.113.9")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("1.2.3.4, 198.51.100.7"), &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), Some("198.51.100.7, 10.0.0.5"), &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), None, &proxies),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn slash_24_and_slash_64() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(same_network(ip("192.168.1.10"), ip("192.168.1.200")));
        assert!(!same_network(ip("192.168.1.10"), ip("192.168.2.10")));
        assert!(same_network(
            ip("2001:db8:1:2::1"),
            ip("2001:db8:1:2:ffff::9")
        ));
        assert!(!same_network(ip("2001:db8:1:2::1"), ip("2001:db8:1:3::1")));
        assert!(!same_network(ip("127.0.0.1"), ip("::1")));
    }
}
