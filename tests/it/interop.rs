//! A whole device flow driven by the `oauth2` crate's device-flow API, a client authbox does
//! not control. Its wait between polls advances the test clock instead of sleeping.

use std::cell::Cell;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationUrl, Scope, StandardDeviceAuthorizationResponse,
    TokenResponse, TokenUrl,
};

use crate::support::TestServer;
use crate::support::binary::Cli;
use crate::support::spawned::Spawned;

#[test]
fn the_oauth2_crate_completes_a_device_flow() {
    let server = TestServer::start();
    server.fixtures();
    let discovery = server.get_json("/.well-known/oauth-authorization-server");
    let url = |key: &str| discovery[key].as_str().expect("endpoint").to_owned();
    let client = BasicClient::new(ClientId::new("tv-public".into()))
        .set_auth_type(AuthType::RequestBody)
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(url("device_authorization_endpoint")).expect("url"),
        )
        .set_token_uri(TokenUrl::new(url("token_endpoint")).expect("url"));
    let http = oauth2::reqwest::blocking::Client::builder()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .build()
        .expect("http client");

    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scope(Scope::new("openid".into()))
        .add_scope(Scope::new("profile".into()))
        .request(&http)
        .expect("device authorization");
    assert_eq!(
        details.verification_uri().as_str(),
        format!("{}/device", server.base)
    );

    let waits = Cell::new(0);
    let token = client
        .exchange_device_access_token(&details)
        .request(
            &http,
            |interval| {
                waits.set(waits.get() + 1);
                // The person approves while the device waits its first interval.
                if waits.get() == 1 {
                    server.approve(details.user_code().secret(), "alice");
                }
                server.advance(interval);
            },
            None,
        )
        .expect("tokens");
    assert!(!token.access_token().secret().is_empty());
    assert_eq!(token.token_type().as_ref(), "bearer");
    assert!(waits.get() >= 1, "the client waited before polling");
}

/// The `openidconnect` crate reads discovery, builds the authorization request with PKCE and a
/// nonce, and verifies the ID token against the JWKS: what a home-lab web app's library does.
#[test]
fn the_openidconnect_crate_completes_discovery_and_the_code_flow() {
    use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
    use openidconnect::{
        AuthorizationCode, ClientId as OidcClientId, CsrfToken, IssuerUrl, Nonce,
        OAuth2TokenResponse, PkceCodeChallenge, RedirectUrl, Scope as OidcScope,
        TokenResponse as _,
    };

    use crate::support::browser::Browser;
    use crate::support::web::{CALLBACK, WEB_APP, web_clients};

    let server = TestServer::start();
    server.fixtures();
    web_clients(&server);
    let http = openidconnect::reqwest::blocking::Client::builder()
        .redirect(openidconnect::reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let metadata = CoreProviderMetadata::discover(
        &IssuerUrl::new(server.base.clone()).expect("issuer"),
        &http,
    )
    .expect("discovery is accepted");
    let client =
        CoreClient::from_provider_metadata(metadata, OidcClientId::new(WEB_APP.into()), None)
            .set_redirect_uri(RedirectUrl::new(CALLBACK.into()).expect("redirect"));
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(OidcScope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();

    let mut browser = Browser::new(&server);
    let path = url.as_str().trim_start_matches(server.base.as_str());
    let consent = browser.sign_in_to_app(path);
    let back = browser.decide_for_app(&consent, "approve");
    assert_eq!(
        back.location_param("state").as_deref(),
        Some(csrf.secret().as_str())
    );
    let code = back.location_param("code").expect("code");

    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .expect("a token endpoint is known")
        .set_pkce_verifier(verifier)
        .request(&http)
        .expect("the code is exchanged");
    let id_token = tokens.id_token().expect("an ID token");
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .expect("the ID token verifies: signature, issuer, audience, nonce");
    assert_eq!(
        claims.preferred_username().map(|u| u.as_str()),
        Some("alice")
    );
    assert!(!tokens.access_token().secret().is_empty());
}

/// oidc-agent (Debian's `oidc-agent-cli`), a widely used device-flow client, always sends HTTP
/// Basic: for a public client, its id and an empty password. That identifies the client as
/// `client_id` in the body would, and the whole flow must work. Needs `oidc-gen` and
/// `oidc-agent` on PATH; `.ci/run` installs them, and under CI a missing one fails the test.
#[test]
fn oidc_agent_completes_a_device_flow_with_a_public_client() {
    const PASSWORD: &str = "correct horse battery staple";
    let found = std::process::Command::new("oidc-gen")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install oidc-agent-cli"
        );
        eprintln!("oidc-gen is not installed; skipping (apt-get install oidc-agent-cli)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("authbox.redb");
    let cli = Cli::new(&data);
    cli.run(&["client", "add", "tv", "--grant", "device_code"])
        .ok();
    cli.add_user("alice", PASSWORD, &[]);
    let mut server = Spawned::serve(&data);
    let base = server.base_url();

    // The agent keeps its socket and files under this test's own home.
    let home = dir.path().join("home");
    std::fs::create_dir(&home).expect("home");
    let agent = std::process::Command::new("oidc-agent")
        .env("HOME", &home)
        .env("TMPDIR", dir.path())
        .output()
        .expect("oidc-agent");
    let exports = String::from_utf8_lossy(&agent.stdout).into_owned();
    let setting = |name: &str| {
        exports
            .split(';')
            .find_map(|part| part.trim().strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in {exports:?}"))
            .to_owned()
    };
    let (socket, agent_pid) = (setting("OIDC_SOCK"), setting("OIDCD_PID"));

    let output = dir.path().join("oidc-gen.out");
    let printing = std::fs::File::create(&output).expect("output file");
    let mut generate = std::process::Command::new("oidc-gen")
        .args([
            "--only-at",
            "--flow=device",
            &format!("--iss={base}"),
            "--client-id=tv",
            "--client-secret=",
            "--scope=openid",
            "-m",
        ])
        .env("HOME", &home)
        .env("OIDC_SOCK", &socket)
        .stdin(std::process::Stdio::null())
        .stderr(printing.try_clone().expect("output file"))
        .stdout(printing)
        .spawn()
        .expect("oidc-gen");
    let read = || std::fs::read_to_string(&output).unwrap_or_default();
    let mut user_code = None;
    for _ in 0..300 {
        user_code = read()
            .lines()
            .find_map(|l| l.split("enter the code:").nth(1))
            .map(|code| code.trim().to_owned());
        if user_code.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let user_code = user_code.unwrap_or_else(|| panic!("oidc-gen printed no code:\n{}", read()));
    let mut browser = crate::support::browser::Browser::at(&base);
    browser.reach_consent(&user_code, "alice", PASSWORD);
    assert!(browser.decide(&user_code, "approve").says("connected"));

    let finished = (0..600).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        generate.try_wait().ok().flatten()
    });
    let _ = std::process::Command::new("kill").arg(&agent_pid).status();
    let printed = read();
    let Some(status) = finished else {
        let _ = generate.kill();
        panic!("oidc-gen did not finish after the approval:\n{printed}");
    };
    assert!(status.success(), "oidc-gen failed:\n{printed}");
    let token = printed
        .split_whitespace()
        .find(|word| word.starts_with("eyJ"))
        .unwrap_or_else(|| panic!("no access token in:\n{printed}"));
    let introspected: serde_json::Value = reqwest::blocking::Client::new()
        .get(format!("{base}/userinfo"))
        .bearer_auth(token)
        .send()
        .and_then(|r| r.json())
        .expect("userinfo");
    assert!(introspected["sub"].is_string(), "{introspected}");
    server.child.kill().ok();
}
