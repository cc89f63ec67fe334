//! `/jwks`: the public signing keys (RFC 7517), active and recently retired.

use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::app::App;
use crate::app::settings::JWKS_MAX_AGE;
use crate::domain::signing::{PublicKeyParams, PublishedKey};

#[derive(Serialize)]
struct Jwk {
    kty: &'static str,
    #[serde(rename = "use")]
    usage: &'static str,
    alg: &'static str,
    kid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    crv: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    e: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    y: Option<String>,
}

impl From<&PublishedKey> for Jwk {
    fn from(key: &PublishedKey) -> Self {
        let b64 = |bytes: &[u8]| Some(URL_SAFE_NO_PAD.encode(bytes));
        let mut jwk = Jwk {
            kty: "",
            usage: "sig",
            alg: key.alg.jws_name(),
            kid: key.kid.clone(),
            crv: None,
            n: None,
            e: None,
            x: None,
            y: None,
        };
        match &key.params {
            PublicKeyParams::Rsa { n, e } => {
                jwk.kty = "RSA";
                jwk.n = b64(n);
                jwk.e = b64(e);
            }
            PublicKeyParams::P256 { x, y } => {
                jwk.kty = "EC";
                jwk.crv = Some("P-256");
                jwk.x = b64(x);
                jwk.y = b64(y);
            }
            PublicKeyParams::Ed25519 { x } => {
                jwk.kty = "OKP";
                jwk.crv = Some("Ed25519");
                jwk.x = b64(x);
            }
        }
        jwk
    }
}

#[derive(Serialize)]
struct JwkSet {
    keys: Vec<Jwk>,
}

pub async fn jwks(app: web::Data<App>) -> HttpResponse {
    // The key ring is in memory; no store access, so no hop to the blocking pool.
    let keys = app.published_keys().iter().map(Jwk::from).collect();
    HttpResponse::Ok()
        .insert_header((
            "Cache-Control",
            format!("public, max-age={}", JWKS_MAX_AGE.as_secs()),
        ))
        .insert_header(("Access-Control-Allow-Origin", "*"))
        .json(JwkSet { keys })
}
