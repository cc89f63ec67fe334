//! Whether two addresses look like the same home network, for the consent page's hint
//! (RFC 8628 §5.4): the same /24 for IPv4, the same /64 for IPv6.

use std::net::IpAddr;

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
