//! Whether two addresses look like the same home network, for the consent page's hint
//! (RFC 8628 §5.4): the same /24 for IPv4, the same /64 for IPv6.

use std::net::{IpAddr, Ipv6Addr};

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
        let address = address.to_canonical();
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

/// An address as attempt budgets count it: IPv4 by itself, IPv6 by its /64. One subscriber is
/// usually handed a whole /64, and counting /128s would give each of them 2^64 budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressGroup(IpAddr);

impl AddressGroup {
    pub fn of(ip: IpAddr) -> AddressGroup {
        match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                AddressGroup(IpAddr::V6(Ipv6Addr::from(prefix)))
            }
            v4 => AddressGroup(v4),
        }
    }
}

/// Which header a trusted proxy writes the client's address into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProxyHeader {
    /// `X-Forwarded-For: client, proxy1, …`, what nginx, Caddy and Traefik send by default.
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client, for="[2001:db8::1]:4711"`.
    Forwarded,
}

impl ProxyHeader {
    pub fn name(self) -> &'static str {
        match self {
            ProxyHeader::XForwardedFor => "x-forwarded-for",
            ProxyHeader::Forwarded => "forwarded",
        }
    }

    /// The hops the header's lines list, nearest the client first. The lines of one header are
    /// one list, in order (RFC 9110 §5.3), so a proxy that adds a line of its own is read too.
    /// A hop that is not an address (RFC 7239's `unknown` or `_hidden`) is `None`.
    pub fn hops(self, lines: &[&str]) -> Vec<Option<IpAddr>> {
        let elements = lines.iter().flat_map(|line| line.split(','));
        match self {
            ProxyHeader::XForwardedFor => elements.map(|hop| parse_node(hop.trim())).collect(),
            ProxyHeader::Forwarded => elements
                .map(|element| {
                    element
                        .split(';')
                        .filter_map(|pair| pair.trim().split_once('='))
                        .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                        .and_then(|(_, value)| parse_node(value.trim().trim_matches('"')))
                })
                .collect(),
        }
    }
}

/// An address, with or without a port (`[v6]:port`, `v4:port`), canonical: an IPv4-mapped
/// IPv6 address is its IPv4 address.
fn parse_node(text: &str) -> Option<IpAddr> {
    let host = match text.strip_prefix('[') {
        Some(rest) => rest.split_once(']')?.0,
        None if text.matches(':').count() == 1 => text.split(':').next()?,
        None => text,
    };
    host.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

/// The client's address: the connection's peer, unless the peer is a trusted proxy, in which
/// case the rightmost hop the proxies listed that is not itself a trusted proxy (RFC 9700
/// §4.13: an untrusted peer cannot choose the address the rate limits see). Hops left of the
/// first untrusted one were written by whoever sent the request, so they are never read.
/// Invariant: the answer is canonical; an IPv4 peer on a `[::]` listener is its IPv4 address.
pub fn client_address(peer: IpAddr, hops: &[Option<IpAddr>], trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    let mut client = peer.to_canonical();
    if !is_trusted(client) {
        return client;
    }
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) if is_trusted(*ip) => client = *ip,
            Some(ip) => return *ip,
            None => break,
        }
    }
    client
}

pub fn same_network(a: IpAddr, b: IpAddr) -> bool {
    match (a.to_canonical(), b.to_canonical()) {
        (IpAddr::V4(a), IpAddr::V4(b)) => a.octets()[..3] == b.octets()[..3],
        (IpAddr::V6(a), IpAddr::V6(b)) => a.octets()[..8] == b.octets()[..8],
        _ => false,
    }
}

/// Where plain http may be used: loopback hosts only (the default), or also hosts only a private
/// network reaches, when the operator opted in (`--plain-http-on-private-network`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PlainHttp {
    #[default]
    LoopbackOnly,
    PrivateNetwork,
}

impl PlainHttp {
    /// Whether plain http to `url`'s host is acceptable under this rule.
    pub fn allows(self, url: &url::Url) -> bool {
        match self {
            PlainHttp::LoopbackOnly => is_loopback_host(url),
            PlainHttp::PrivateNetwork => is_loopback_host(url) || is_private_network_host(url),
        }
    }
}

/// A host only a private network reaches: an address in RFC 1918, RFC 6598 (shared, as
/// carrier-grade NAT uses), IPv6 unique-local (fc00::/7) or link-local space; or a name under a
/// suffix the public DNS never answers for (`.local`, `.lan`, `.home.arpa`, `.internal`), or a
/// name of one label (`nas`).
pub fn is_private_network_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_private_v4(ip),
        Some(url::Host::Ipv6(ip)) => {
            let first = ip.segments()[0];
            (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            !name.contains('.')
                || [".local", ".lan", ".home.arpa", ".internal"]
                    .iter()
                    .any(|suffix| name.ends_with(suffix))
        }
        None => false,
    }
}

pub fn is_private_v4(ip: std::net::Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private() || ip.is_link_local() || (a == 100 && (64..128).contains(&b))
}

/// True for `localhost`, `127.0.0.0/8` and `[::1]`.
pub fn is_loopback_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_network_hosts() {
        let private = |text: &str| is_private_network_host(&url::Url::parse(text).unwrap());
        for yes in [
            "http://192.168.1.10:8080",
            "http://10.0.0.1",
            "http://172.16.5.4",
            "http://100.64.0.1",
            "http://169.254.1.1",
            "http://[fd00::1]",
            "http://[fe80::1]",
            "http://nas.local",
            "http://authbox.lan:8080",
            "http://box.home.arpa",
            "http://nas",
        ] {
            assert!(private(yes), "{yes}");
        }
        for no in [
            "http://8.8.8.8",
            "http://172.32.0.1",
            "http://[2001:db8::1]",
            "http://auth.example.org",
            "http://lan.example.com",
        ] {
            assert!(!private(no), "{no}");
        }
    }

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

    fn xff(peer: &str, lines: &[&str], proxies: &[Cidr]) -> IpAddr {
        let hops = ProxyHeader::XForwardedFor.hops(lines);
        client_address(ip(peer), &hops, proxies)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = [Cidr::parse("10.0.0.0/8").unwrap()];
        assert_eq!(
            xff("203.0.113.9", &["1.2.3.4"], &proxies),
            ip("203.0.113.9")
        );
        assert_eq!(
            xff("10.0.0.2", &["1.2.3.4, 198.51.100.7"], &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(
            xff("10.0.0.2", &["198.51.100.7, 10.0.0.5"], &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(xff("10.0.0.2", &[], &proxies), ip("10.0.0.2"));
    }

    #[test]
    fn every_line_of_the_header_is_read_and_walked_from_the_right() {
        let proxies = [Cidr::parse("10.0.0.0/8").unwrap()];
        // The client sent the first line; the proxy added its own with the real peer.
        assert_eq!(
            xff("10.0.0.2", &["6.6.6.6", "198.51.100.7"], &proxies),
            ip("198.51.100.7")
        );
        assert_eq!(
            xff("10.0.0.2", &["6.6.6.6, 198.51.100.7", "10.0.0.9"], &proxies),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn rfc_7239_forwarded_is_read_when_chosen() {
        let proxies = [Cidr::parse("10.0.0.0/8").unwrap()];
        let hops = ProxyHeader::Forwarded.hops(&[
            "for=6.6.6.6;proto=https, For=\"[2001:db8:cafe::17]:4711\"",
            "for=10.0.0.7;by=10.0.0.2",
        ]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &hops, &proxies),
            ip("2001:db8:cafe::17")
        );
        let hidden = ProxyHeader::Forwarded.hops(&["for=6.6.6.6, for=_hidden"]);
        assert_eq!(
            client_address(ip("10.0.0.2"), &hidden, &proxies),
            ip("10.0.0.2"),
            "an obfuscated hop stops the walk at the proxy"
        );
    }

    #[test]
    fn ipv4_mapped_addresses_are_their_ipv4_address() {
        let proxies = [Cidr::parse("10.0.0.0/8").unwrap()];
        assert_eq!(
            xff("::ffff:10.0.0.2", &["198.51.100.7"], &proxies),
            ip("198.51.100.7"),
            "an IPv4 proxy on a [::] listener is still trusted"
        );
        assert_eq!(xff("::ffff:203.0.113.9", &[], &[]), ip("203.0.113.9"));
        assert_eq!(
            xff("10.0.0.2", &["::ffff:198.51.100.7"], &proxies),
            ip("198.51.100.7")
        );
        assert!(!same_network(
            ip("::ffff:192.168.1.10"),
            ip("::ffff:10.0.0.1")
        ));
        assert!(same_network(ip("::ffff:192.168.1.10"), ip("192.168.1.77")));
    }

    #[test]
    fn budgets_group_ipv6_by_slash_64() {
        assert_eq!(
            AddressGroup::of(ip("2001:db8:1:2::1")),
            AddressGroup::of(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))
        );
        assert_ne!(
            AddressGroup::of(ip("2001:db8:1:2::1")),
            AddressGroup::of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(
            AddressGroup::of(ip("::ffff:192.0.2.1")),
            AddressGroup::of(ip("192.0.2.1"))
        );
        assert_ne!(
            AddressGroup::of(ip("192.0.2.1")),
            AddressGroup::of(ip("192.0.2.2"))
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
