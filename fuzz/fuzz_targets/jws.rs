//! Compact JWS verification (`crypto::jws::verify`), the first thing every token presented to
//! UserInfo, introspection, revocation or `/end_session` goes through.
//!
//! Input: a token on the first line, then bytes that choose a tampering. Checks, with one fresh
//! key per algorithm:
//! - a presented token never verifies, whichever of the keys its `kid` is looked up as;
//! - claims signed with any key verify with that key, reading back the same claims and `typ`,
//!   and never with a key of another algorithm (the `alg` is pinned to the key);
//! - a token longer than 16 KiB is refused unread;
//! - any one-byte change, insertion, deletion or truncation of a signed token fails.
#![no_main]

use std::sync::{Arc, OnceLock};

use authbox::crypto::jws;
use authbox::crypto::keys::{SigningKey, generate};
use authbox::domain::signing::SigningAlg;
use authbox_fuzz::{first_line, tamper};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// `jws::verify` reads no token longer than this: none authbox issues comes near it.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

fn keys() -> &'static [Arc<SigningKey>] {
    static KEYS: OnceLock<Vec<Arc<SigningKey>>> = OnceLock::new();
    KEYS.get_or_init(|| {
        SigningAlg::ALL
            .into_iter()
            .map(|alg| {
                let generated = generate(alg).expect("generate a key");
                Arc::new(SigningKey::load(alg, &generated.pkcs8).expect("load the key"))
            })
            .collect()
    })
}

fn by_kid(kid: &str) -> Option<Arc<SigningKey>> {
    keys().iter().find(|key| key.kid() == kid).cloned()
}

// Made before the first input, outside libFuzzer's per-input timeout: RSA key generation is
// slow under coverage instrumentation.
fuzz_target!(init: { keys(); }, |data: &[u8]| {
    let (token, tampering) = first_line(data);
    let Ok(token) = std::str::from_utf8(token) else {
        return;
    };
    for key in keys() {
        assert!(
            jws::verify(token, |_| Some(key.clone())).is_none(),
            "a token from outside verified with the {} key",
            key.alg()
        );
    }
    // The presented token's payload, when it has one, is the claims to sign; else the text.
    let claims = token
        .split('.')
        .nth(1)
        .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
        .and_then(|json| serde_json::from_slice::<Value>(&json).ok())
        .unwrap_or_else(|| Value::String(token.to_owned()));
    let signer = &keys()[data.len() % keys().len()];
    let typ = ["at+jwt", "JWT"][data.len() % 2];
    let signed = jws::sign(signer, typ, &claims).expect("sign");
    if signed.len() > MAX_TOKEN_BYTES {
        assert!(
            jws::verify(&signed, by_kid).is_none(),
            "an oversized token verified"
        );
        return;
    }
    let verified = jws::verify(&signed, by_kid).expect("a signed token does not verify");
    // What verify parses is exactly what sign serialised.
    let expected: Value =
        serde_json::from_slice(&serde_json::to_vec(&claims).expect("serialise")).expect("parse");
    assert_eq!(verified.claims, expected);
    assert_eq!(verified.typ.as_deref(), Some(typ));
    for key in keys() {
        if key.kid() != signer.kid() {
            assert!(
                jws::verify(&signed, |_| Some(key.clone())).is_none(),
                "a {} token verified with the {} key",
                signer.alg(),
                key.alg()
            );
        }
    }
    if let Some(tampered) = tamper(&signed, tampering)
        && tampered != signed
    {
        assert!(
            jws::verify(&tampered, by_kid).is_none(),
            "a tampered token verified: {tampered}"
        );
    }
});
