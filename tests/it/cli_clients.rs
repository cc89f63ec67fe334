//! `authbox client …`: registration, secrets shown once and stored hashed, updates, removal.

use crate::support::{TestServer, file_contains};

#[test]
fn a_public_device_client_is_registered_while_the_server_runs() {
    let server = TestServer::start();
    let out = server
        .cli()
        .run(&[
            "--json",
            "client",
            "add",
            "tv-public",
            "--name",
            "Living room TV",
            "--grant",
            "device_code",
            "--grant",
            "refresh_token",
            "--scope",
            "openid profile email offline_access api.read",
        ])
        .json();
    let client = &out["client"];
    assert_eq!(client["client_type"], "public");
    assert_eq!(
        client["grants"],
        serde_json::json!(["device_code", "refresh_token"])
    );
    assert_eq!(
        client["scopes"],
        "openid profile email offline_access api.read"
    );
    assert!(out["secret"].is_null(), "a public client has no secret");

    let listed = server.cli().run(&["client", "list"]).ok();
    assert!(
        listed.contains("tv-public") && listed.contains("Living room TV"),
        "{listed}"
    );
}

#[test]
fn a_confidential_clients_secret_is_shown_once_and_stored_hashed() {
    let mut server = TestServer::start();
    let created = server
        .cli()
        .run(&[
            "--json",
            "client",
            "add",
            "tv-conf",
            "--confidential",
            "--grant",
            "device_code",
        ])
        .json();
    let secret = created["secret"]
        .as_str()
        .expect("secret on creation")
        .to_owned();
    // OIDC-16.19-a: generated secrets are ≥ 32 random bytes, i.e. ≥ 43 base64url characters.
    assert!(secret.len() >= 43, "{secret}");
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );

    let shown = server
        .cli()
        .run(&["--json", "client", "show", "tv-conf"])
        .json();
    assert!(shown["secret"].is_null(), "show never reveals the secret");
    assert!(
        !server
            .cli()
            .run(&["client", "show", "tv-conf"])
            .ok()
            .contains(&secret)
    );

    let rotated = server
        .cli()
        .run(&["--json", "client", "rotate-secret", "tv-conf"])
        .json();
    let new_secret = rotated["secret"].as_str().expect("new secret").to_owned();
    assert_ne!(new_secret, secret);

    server.stop();
    assert!(
        !file_contains(&server.data, secret.as_bytes()),
        "the first secret is not in the file"
    );
    assert!(
        !file_contains(&server.data, new_secret.as_bytes()),
        "the new secret is not in the file"
    );
}

#[test]
fn the_human_output_of_a_new_secret_says_it_is_shown_once() {
    let server = TestServer::start();
    let text = server
        .cli()
        .run(&[
            "client",
            "add",
            "svc",
            "--confidential",
            "--grant",
            "client_credentials",
        ])
        .ok();
    assert!(
        text.contains("client_secret:") && text.contains("shown only now"),
        "{text}"
    );
}

#[test]
fn client_ids_may_hold_colons_and_spaces() {
    // RFC 6749 App. A.1: client-id = *VSCHAR; SPEC §0's `tv:conf 2` fixture.
    let server = TestServer::start();
    server
        .cli()
        .run(&[
            "client",
            "add",
            "tv:conf 2",
            "--confidential",
            "--grant",
            "device_code",
        ])
        .ok();
    let shown = server
        .cli()
        .run(&["--json", "client", "show", "tv:conf 2"])
        .json();
    assert_eq!(shown["client"]["client_id"], "tv:conf 2");
}

#[test]
fn updates_change_only_what_is_given() {
    let server = TestServer::start();
    let cli = server.cli();
    cli.run(&[
        "client",
        "add",
        "tv",
        "--grant",
        "device_code",
        "--name",
        "TV",
    ])
    .ok();
    let updated = cli
        .run(&[
            "--json",
            "client",
            "update",
            "tv",
            "--scope",
            "openid api.read",
            "--access-token-ttl",
            "5m",
        ])
        .json();
    assert_eq!(updated["client"]["scopes"], "openid api.read");
    assert_eq!(updated["client"]["access_token_ttl_secs"], 300);
    assert_eq!(updated["client"]["name"], "TV", "the name was left alone");
    assert_eq!(
        updated["client"]["grants"],
        serde_json::json!(["device_code"])
    );

    let disabled = cli
        .run(&["--json", "client", "update", "tv", "--disable"])
        .json();
    assert_eq!(disabled["client"]["disabled"], true);
    let enabled = cli
        .run(&[
            "--json",
            "client",
            "update",
            "tv",
            "--enable",
            "--id-token-alg",
            "EdDSA",
        ])
        .json();
    assert_eq!(enabled["client"]["disabled"], false);
    assert_eq!(enabled["client"]["id_token_alg"], "EdDSA");
}

#[test]
fn inconsistent_or_invalid_clients_are_refused_and_nothing_changes() {
    let server = TestServer::start();
    let cli = server.cli();
    cli.run(&["client", "add", "tv"])
        .fails_with(&["at least one grant"]);
    cli.run(&["client", "add", "tv", "--grant", "password"])
        .fails_with(&["unknown grant \"password\""]);
    cli.run(&["client", "add", "tv", "--grant", "client_credentials"])
        .fails_with(&["confidential"]);
    cli.run(&["client", "add", "web", "--grant", "authorization_code"])
        .fails_with(&["--redirect-uri"]);
    cli.run(&[
        "client",
        "add",
        "web",
        "--grant",
        "authorization_code",
        "--redirect-uri",
        "http://app.example/cb",
    ])
    .fails_with(&["plain http"]);
    cli.run(&[
        "client",
        "add",
        "tv",
        "--grant",
        "device_code",
        "--scope",
        "open\"id",
    ])
    .fails_with(&["not a valid scope"]);
    cli.run(&["client", "add", " tv", "--grant", "device_code"])
        .fails_with(&["not allowed"]);
    cli.run(&[
        "client",
        "add",
        "tv",
        "--grant",
        "device_code",
        "--id-token-alg",
        "none",
    ])
    .fails_with(&["RS256, ES256 or EdDSA"]);
    assert_eq!(
        cli.run(&["--json", "client", "list"]).json()["clients"],
        serde_json::json!([])
    );

    cli.run(&["client", "add", "tv", "--grant", "device_code"])
        .ok();
    cli.run(&["client", "add", "tv", "--grant", "device_code"])
        .fails_with(&["already exists"]);
    cli.run(&["client", "update", "tv", "--grant", "client_credentials"])
        .fails_with(&["confidential"]);
    cli.run(&["client", "rotate-secret", "tv"])
        .fails_with(&["public and has no secret"]);
    let unchanged = cli.run(&["--json", "client", "show", "tv"]).json();
    assert_eq!(
        unchanged["client"]["grants"],
        serde_json::json!(["device_code"])
    );
}

#[test]
fn a_removed_client_is_gone() {
    let server = TestServer::start();
    server
        .cli()
        .run(&["client", "add", "tv", "--grant", "device_code"])
        .ok();
    server.cli().run(&["client", "remove", "tv"]).ok();
    server
        .cli()
        .run(&["client", "show", "tv"])
        .fails_with(&["no client named \"tv\""]);
    server
        .cli()
        .run(&["client", "remove", "tv"])
        .fails_with(&["no client named"]);
}

#[test]
fn a_web_app_is_registered_with_its_redirect_uris() {
    let server = TestServer::start();
    let out = server
        .cli()
        .run(&[
            "--json",
            "client",
            "add",
            "photos",
            "--confidential",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "https://photos.home.arpa/oidc/callback",
            "--redirect-uri",
            "http://127.0.0.1/callback",
            "--post-logout-redirect-uri",
            "https://photos.home.arpa/",
        ])
        .json();
    let client = &out["client"];
    assert_eq!(
        client["redirect_uris"],
        serde_json::json!([
            "https://photos.home.arpa/oidc/callback",
            "http://127.0.0.1/callback"
        ])
    );
    assert_eq!(
        client["post_logout_redirect_uris"],
        serde_json::json!(["https://photos.home.arpa/"])
    );
    assert!(out["secret"].is_string());
    let shown = server.cli().run(&["client", "show", "photos"]).ok();
    assert!(shown.contains("post_logout_redirect_uris"), "{shown}");

    server
        .cli()
        .run(&["client", "add", "no-uri", "--grant", "authorization_code"])
        .fails_with(&["authorization_code needs at least one --redirect-uri"]);
    server
        .cli()
        .run(&[
            "client",
            "add",
            "plain-http",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            "http://photos.home.arpa/cb",
        ])
        .fails_with(&["plain http is only allowed to localhost"]);
    server
        .cli()
        .run(&["client", "add", "svc", "--grant", "client_credentials"])
        .fails_with(&["client_credentials needs a confidential client"]);
}

/// A redirect URI matches only character for character (RFC 9700 §2.1, §4.1.3): a `*` meant
/// as a wildcard is refused with the reason, never stored as a URI no client will send.
#[test]
fn a_wildcard_redirect_uri_is_refused_with_the_reason() {
    let server = TestServer::start();
    let cli = server.cli();
    for wildcard in [
        "https://photos.home.arpa/*",
        "https://*.home.arpa/oidc/callback",
        "https://photos.home.arpa/oidc/*/callback",
    ] {
        cli.run(&[
            "client",
            "add",
            "photos",
            "--grant",
            "authorization_code",
            "--redirect-uri",
            wildcard,
        ])
        .fails_with(&["is not a wildcard", "character for character", "RFC 9700"]);
    }
    cli.run(&["client", "show", "photos"])
        .fails_with(&["no client named"]);

    cli.run(&[
        "client",
        "add",
        "photos",
        "--grant",
        "authorization_code",
        "--redirect-uri",
        "https://photos.home.arpa/oidc/callback",
    ])
    .ok();
    cli.run(&[
        "client",
        "update",
        "photos",
        "--redirect-uri",
        "https://photos.home.arpa/*",
    ])
    .fails_with(&["is not a wildcard"]);
    cli.run(&[
        "client",
        "update",
        "photos",
        "--post-logout-redirect-uri",
        "https://photos.home.arpa/bye/*",
    ])
    .fails_with(&["is not a wildcard"]);
    let shown = cli.run(&["--json", "client", "show", "photos"]).json()["client"].clone();
    assert_eq!(
        shown["redirect_uris"],
        serde_json::json!(["https://photos.home.arpa/oidc/callback"])
    );
    assert_eq!(shown["post_logout_redirect_uris"], serde_json::json!([]));
}
