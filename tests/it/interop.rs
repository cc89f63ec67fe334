//! A whole device flow driven by the `oauth2` crate's device-flow API, a client authbox does
//! not control. Its wait between polls advances the test clock instead of sleeping.

use std::cell::Cell;

use oauth2::basic::BasicClient;
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationUrl, Scope, StandardDeviceAuthorizationResponse,
    TokenResponse, TokenUrl,
};

use crate::support::TestServer;

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
