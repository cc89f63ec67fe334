//! SHA-256 digests of secrets, compared in constant time.

use ring::digest::{SHA256, digest};

pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, data).as_ref());
    out
}

/// Equality whose running time does not depend on where the digests differ.
pub fn digests_equal(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_digests_compare_equal() {
        assert!(digests_equal(&sha256(b"a"), &sha256(b"a")));
        assert!(!digests_equal(&sha256(b"a"), &sha256(b"b")));
    }
}
