//! Random material from the operating system through ring's `SystemRandom`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::{SecureRandom, SystemRandom};

use super::CryptoError;

pub fn random_array<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut bytes = [0u8; N];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| CryptoError::Random)?;
    Ok(bytes)
}

/// A 256-bit secret, base64url without padding (43 characters): client secrets, device codes,
/// refresh tokens and session ids all take this shape.
pub fn random_token() -> Result<String, CryptoError> {
    Ok(URL_SAFE_NO_PAD.encode(random_array::<32>()?))
}

/// 64 random bits as 16 lower-case hex digits: a name for a temporary file or directory that
/// nothing else will pick and nobody can guess.
pub fn random_name_suffix() -> Result<String, CryptoError> {
    Ok(random_array::<8>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Lends ring's generator to the `rsa` crate, which only generates the RSA key.
pub(super) struct RingRng;

impl rand_core::RngCore for RingRng {
    fn next_u32(&mut self) -> u32 {
        rand_core::impls::next_u32_via_fill(self)
    }

    fn next_u64(&mut self) -> u64 {
        rand_core::impls::next_u64_via_fill(self)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // The trait gives no way to report failure here; the key generator only calls
        // try_fill_bytes's fallible sibling through this, and an OS entropy failure is fatal.
        #[allow(clippy::expect_used)]
        SystemRandom::new()
            .fill(dest)
            .expect("the operating system's random number source failed");
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        SystemRandom::new()
            .fill(dest)
            .map_err(|_| rand_core::Error::new(CryptoError::Random))
    }
}

impl rand_core::CryptoRng for RingRng {}
