//! Opaque secrets as clients and browsers present them: refresh tokens, device codes,
//! authorization codes, access tokens, user codes, pairing ids, session cookies and form
//! (CSRF) tokens, and the parameters of `/end_session`.
//!
//! Input: a presented token on the first line, a browser cookie on the second, a presented
//! form token (whose bytes also choose a tampering) on the third, then an `/end_session` query
//! string. Checks, against a server holding real clients, a person and keys:
//! - an unknown secret is refused at every use case, with the error the RFCs name
//!   (`invalid_grant`, an inactive introspection, a silent revocation, `invalid_token`), and
//!   refusing it changes nothing;
//! - an unknown cookie is no session; a form token matches a cookie exactly when it is that
//!   cookie's own token, so no tampered or re-encoded token passes;
//! - a logout returns the browser only to a post-logout redirect URI registered for the named
//!   client, with `state` added, and an unverifiable `id_token_hint` is refused.
#![no_main]

use authbox::app::AppError;
use authbox::app::ProtocolError;
use authbox::app::bearer::BearerError;
use authbox::app::device::CodeProblem;
use authbox::app::logout::LogoutParams;
use authbox::domain::oauth::ErrorCode;
use authbox_fuzz::{Fixture, first_line, fixture, tamper};
use libfuzzer_sys::fuzz_target;

// Made before the first input, outside libFuzzer's per-input timeout: RSA key generation is
// slow under coverage instrumentation.
fuzz_target!(init: { fixture(); }, |data: &[u8]| {
    let fixture = fixture();
    let (token, rest) = first_line(data);
    let (cookie, rest) = first_line(rest);
    let (form_token, query) = first_line(rest);
    let text = |bytes| String::from_utf8_lossy(bytes).into_owned();
    check_unknown_token(fixture, &text(token));
    check_cookie(fixture, &text(cookie), &text(form_token), form_token);
    check_logout(fixture, query);
});

fn is_oauth_error<T>(outcome: Result<T, ProtocolError>, code: ErrorCode) -> bool {
    matches!(outcome, Err(ProtocolError::OAuth(failure)) if failure.code == code)
}

fn check_unknown_token(fixture: &Fixture, token: &str) {
    let app = &fixture.app;
    assert!(is_oauth_error(
        app.refresh(&fixture.tv, token, None),
        ErrorCode::InvalidGrant
    ));
    assert!(is_oauth_error(
        app.check_poll(&fixture.tv, token),
        ErrorCode::InvalidGrant
    ));
    assert!(is_oauth_error(
        app.redeem_authorization_code(&fixture.web, token, None, token),
        ErrorCode::InvalidGrant
    ));
    let introspection = app
        .introspect(&fixture.service, token)
        .expect("introspection by a confidential client");
    assert!(!introspection.active && introspection.details.is_none());
    // RFC 7009 §2.2: an unknown token is no error.
    assert!(app.revoke(&fixture.tv, token).is_ok());
    assert!(app.verify_access_token(token).is_none());
    assert_eq!(
        app.userinfo(token).map(|_| ()),
        Err(BearerError::InvalidToken)
    );
    assert_eq!(
        app.pending_request(token).map(|_| ()),
        Err(CodeProblem::Unknown)
    );
    assert!(matches!(
        app.sign_out_device(token, None),
        Err(AppError::NotFound(_))
    ));
}

fn check_cookie(fixture: &Fixture, cookie: &str, presented: &str, tampering: &[u8]) {
    let app = &fixture.app;
    assert!(
        matches!(app.signed_in(cookie), Ok(None)),
        "a made-up cookie is a session"
    );
    let own = app.form_token(cookie);
    assert!(app.form_token_matches(cookie, &own));
    assert_eq!(app.form_token_matches(cookie, presented), presented == own);
    if let Some(tampered) = tamper(&own, tampering) {
        assert_eq!(
            app.form_token_matches(cookie, &tampered),
            tampered == own,
            "form token {own:?} tampered into {tampered:?}"
        );
    }
}

fn check_logout(fixture: &Fixture, query: &[u8]) {
    let mut params = LogoutParams::default();
    for (name, value) in form_urlencoded::parse(query) {
        let slot = match name.as_ref() {
            "id_token_hint" => &mut params.id_token_hint,
            "client_id" => &mut params.client_id,
            "post_logout_redirect_uri" => &mut params.post_logout_redirect_uri,
            "state" => &mut params.state,
            _ => continue,
        };
        slot.get_or_insert_with(|| value.into_owned());
    }
    let outcome = fixture.app.check_logout_request(&params);
    if params.id_token_hint.is_some() {
        assert!(outcome.is_err(), "a made-up id_token_hint was believed");
        return;
    }
    let known = [&fixture.tv, &fixture.web, &fixture.service];
    let client = params
        .client_id
        .as_deref()
        .map(|id| known.into_iter().find(|c| c.id.as_str() == id));
    let Ok(request) = outcome else {
        return;
    };
    let client = client.map(|c| c.expect("an unknown client_id was accepted"));
    assert_eq!(request.client.as_ref(), client);
    let Some(presented) = params.post_logout_redirect_uri.as_deref() else {
        assert_eq!(request.return_to, None);
        return;
    };
    let client = client.expect("a return address was accepted without a client");
    assert!(
        client
            .post_logout_redirect_uris
            .iter()
            .any(|registered| registered.matches(presented)),
        "returned to {presented:?}, not registered for {}",
        client.id
    );
    let return_to = url_of(&request.return_to.expect("no return address"));
    let asked = url_of(presented);
    let mut query: Vec<(String, String)> = return_to.query_pairs().into_owned().collect();
    if let Some(state) = &params.state {
        assert_eq!(query.pop(), Some(("state".to_owned(), state.clone())));
    }
    assert_eq!(query, asked.query_pairs().into_owned().collect::<Vec<_>>());
    let place = |url: &url::Url| {
        (
            url.scheme().to_owned(),
            url.host_str().map(str::to_owned),
            url.port(),
            url.path().to_owned(),
        )
    };
    assert_eq!(place(&return_to), place(&asked));
}

fn url_of(text: &str) -> url::Url {
    url::Url::parse(text).unwrap_or_else(|e| panic!("{text:?} is no URL: {e}"))
}
