//! Test helpers: an in-process server, the real binary, and shared checks.

pub mod binary;
pub mod browser;
pub mod contract;
pub mod faulty_disk;
pub mod jwt;
pub mod malformed;
pub mod oauth;
pub mod raw;
pub mod server;
pub mod spawned;
pub mod web;
pub mod webdriver;

pub use binary::Cli;
pub use server::TestServer;

use std::path::Path;

fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A short fingerprint of the file's bytes, to prove a refused file was not touched (and to
/// keep a failing comparison readable).
pub fn file_digest(path: &Path) -> String {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let bytes = file_bytes(path);
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{} bytes, hash {:016x}", bytes.len(), hasher.finish())
}

/// True when `needle` occurs anywhere in the file's raw bytes.
pub fn file_contains(path: &Path, needle: &[u8]) -> bool {
    file_bytes(path)
        .windows(needle.len())
        .any(|window| window == needle)
}
