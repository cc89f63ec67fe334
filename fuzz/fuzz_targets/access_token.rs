//! Signed tokens presented back to authbox: access tokens at UserInfo and introspection
//! (RFC 9068 §4) and ID tokens as `id_token_hint` at `/end_session` (OIDC RP-Initiated Logout
//! §2). The claims are the fuzzer's; the signature is the server's own, so the checks after the
//! signature are reached.
//!
//! Input: `<key> <typ>` on the first line (`ES256`, `RS256`, `EdDSA`: the server's active key of
//! that algorithm; anything else: a key the server does not know), then the claims as JSON, in
//! which `$NOW`, `$LATER`, `$EARLIER` (seconds) and `$SUB` (the one person's `sub`) are
//! replaced first. Checks, against the rules written out here:
//! - an access token is accepted exactly when it is signed by a published key, has `typ`
//!   `at+jwt`, authbox's `iss`, an unexpired `exp`, an `aud` string or array, string `sub`,
//!   `client_id` and `jti`, a numeric `iat` and a valid or absent `scope`, and then reads back
//!   claim for claim; an ID token (`typ` `JWT`) is never one;
//! - UserInfo answers only for the UserInfo audience, asks for `openid`, and knows the person;
//! - introspection (by a resource server) calls a token active exactly when it is accepted and,
//!   if it names an `auth_time` (a person's token), its `sub` is the one person's;
//! - an ID token hint is believed exactly when signed by a published key with `typ` `JWT`,
//!   authbox's `iss` and string `sub` and `aud`, and then names a known client and the person.
#![no_main]

use std::sync::{Arc, OnceLock};

use authbox::app::bearer::{AccessToken, BearerError};
use authbox::app::logout::LogoutParams;
use authbox::crypto::jws;
use authbox::crypto::keys::{SigningKey, generate};
use authbox::domain::scope::ScopeSet;
use authbox::domain::signing::SigningAlg;
use authbox::domain::user::Subject;
use authbox_fuzz::{Fixture, first_line, fixture};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// A key of the right shape that the server never saw.
fn foreign_key() -> Arc<SigningKey> {
    static KEY: OnceLock<Arc<SigningKey>> = OnceLock::new();
    KEY.get_or_init(|| {
        let generated = generate(SigningAlg::Es256).expect("generate a key");
        Arc::new(SigningKey::load(SigningAlg::Es256, &generated.pkcs8).expect("load the key"))
    })
    .clone()
}

// Made before the first input, outside libFuzzer's per-input timeout: RSA key generation is
// slow under coverage instrumentation.
fuzz_target!(init: { fixture(); }, |data: &[u8]| {
    let fixture = fixture();
    let (first, claims) = first_line(data);
    let (Ok(first), Ok(claims)) = (std::str::from_utf8(first), std::str::from_utf8(claims)) else {
        return;
    };
    let (key_name, typ) = first.split_once(' ').unwrap_or((first, ""));
    let now = fixture.app.now().secs();
    let claims = claims
        .replace("$NOW", &now.to_string())
        .replace("$LATER", &(now + 600).to_string())
        .replace("$EARLIER", &now.saturating_sub(600).to_string())
        .replace("$SUB", fixture.alice.sub.as_str());
    let claims: Value = serde_json::from_str(&claims).unwrap_or(Value::String(claims));
    let ring_key = key_name
        .parse::<SigningAlg>()
        .ok()
        .and_then(|alg| fixture.app.key_ring().active(alg, fixture.app.now()));
    let ours = ring_key.is_some();
    let key = ring_key.unwrap_or_else(foreign_key);
    let token = jws::sign(&key, typ, &claims).expect("sign");
    let claims = ours.then_some(&claims);

    let expected = claims.and_then(|c| expected_access_token(fixture, typ, c, now));
    let accepted = fixture.app.verify_access_token(&token);
    assert_eq!(accepted, expected, "claims {claims:?}, typ {typ:?}");
    check_userinfo(fixture, &token, expected.as_ref());
    check_introspection(fixture, &token, expected.as_ref());
    check_id_token_hint(
        fixture,
        &token,
        claims.and_then(|c| expected_hint(fixture, typ, c)),
    );
});

fn text(claims: &Value, name: &str) -> Option<String> {
    claims.get(name)?.as_str().map(str::to_owned)
}

/// RFC 9068 §4 as authbox applies it, for a token signed by one of its published keys.
fn expected_access_token(
    fixture: &Fixture,
    typ: &str,
    claims: &Value,
    now: u64,
) -> Option<AccessToken> {
    if typ != "at+jwt" && typ != "application/at+jwt" {
        return None;
    }
    if text(claims, "iss")? != fixture.app.settings().issuer {
        return None;
    }
    let exp = claims.get("exp")?.as_u64().filter(|&exp| exp > now)?;
    let audiences = match claims.get("aud")? {
        Value::String(one) => vec![one.clone()],
        Value::Array(many) => many
            .iter()
            .filter_map(|a| a.as_str().map(str::to_owned))
            .collect(),
        _ => return None,
    };
    Some(AccessToken {
        sub: text(claims, "sub")?,
        client_id: text(claims, "client_id")?,
        scopes: ScopeSet::parse(&text(claims, "scope").unwrap_or_default()).ok()?,
        audiences,
        iat: claims.get("iat")?.as_u64()?,
        exp,
        jti: text(claims, "jti")?,
        auth_time: claims.get("auth_time").and_then(Value::as_u64),
        grant_id: text(claims, "grant_id"),
    })
}

fn check_userinfo(fixture: &Fixture, token: &str, expected: Option<&AccessToken>) {
    let answer = fixture.app.userinfo(token);
    let userinfo_audience = fixture.app.settings().userinfo_audience();
    let expected = match expected {
        None => Err(BearerError::InvalidToken),
        Some(access) if !access.audiences.contains(&userinfo_audience) => {
            Err(BearerError::InvalidToken)
        }
        Some(access) if !access.scopes.contains("openid") => Err(BearerError::InsufficientScope),
        Some(access) if access.sub != fixture.alice.sub.as_str() => Err(BearerError::InvalidToken),
        Some(_) => Ok(()),
    };
    assert_eq!(answer.map(|_| ()), expected);
}

fn check_introspection(fixture: &Fixture, token: &str, expected: Option<&AccessToken>) {
    let answer = fixture
        .app
        .introspect(&fixture.service, token)
        .expect("introspection by a confidential client");
    let person_known = |access: &AccessToken| {
        access.auth_time.is_none() || access.sub == fixture.alice.sub.as_str()
    };
    assert_eq!(answer.active, expected.is_some_and(person_known));
    if let (Some(details), Some(access)) = (answer.details, expected) {
        assert_eq!(details.sub, access.sub);
        assert_eq!(details.client_id, access.client_id);
        assert_eq!(details.exp, access.exp);
        assert_eq!(details.scope, access.scopes.to_string());
    }
}

/// OIDC RP-Initiated Logout §2: the `sub` and `aud` of an ID token authbox issued.
fn expected_hint(fixture: &Fixture, typ: &str, claims: &Value) -> Option<(String, String)> {
    if typ != "JWT" || text(claims, "iss")? != fixture.app.settings().issuer {
        return None;
    }
    Some((text(claims, "sub")?, text(claims, "aud")?))
}

fn check_id_token_hint(fixture: &Fixture, token: &str, expected: Option<(String, String)>) {
    let outcome = fixture.app.check_logout_request(&LogoutParams {
        id_token_hint: Some(token.to_owned()),
        ..LogoutParams::default()
    });
    let known = [&fixture.tv, &fixture.web, &fixture.service];
    match expected {
        Some((sub, aud)) if known.iter().any(|c| c.id.as_str() == aud) => {
            let request = outcome.expect("a valid hint for a known client was refused");
            assert_eq!(request.hinted_sub, Some(Subject::from_stored(sub)));
            assert_eq!(request.client.map(|c| c.id.as_str().to_owned()), Some(aud));
            assert_eq!(request.return_to, None);
        }
        _ => assert!(outcome.is_err(), "a hint was believed: {outcome:?}"),
    }
}
