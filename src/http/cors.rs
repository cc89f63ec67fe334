//! CORS for the endpoints a browser-based TV app or single-page app calls with its public
//! client: `/device_authorization`, `/token` and `/revoke`. One middleware wraps all three, so
//! none can answer a page without the same check. A page may read an answer only when its
//! origin is one its client lists (`client add --web-origin`); the answer then names that
//! origin, never `*`, and never allows credentials (these requests carry no cookies).
//! Discovery, `/jwks` and `/userinfo` answer every origin with `*` on their own.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use crate::app::App;

/// The client a request named, noted by the credentials parser for the answer's CORS check.
#[derive(Debug, Clone)]
pub struct NamedClient(pub String);

fn origin_of(request: &HttpRequest) -> Option<String> {
    request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned)
}

/// Adds `Access-Control-Allow-Origin` to the answer when the page's origin is one the named
/// client lists.
pub async fn let_listed_origins_read(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(request).await?;
    let Some(origin) = origin_of(response.request()) else {
        return Ok(response);
    };
    let client = response
        .request()
        .extensions()
        .get::<NamedClient>()
        .map(|c| c.0.clone());
    let allowed = response
        .request()
        .app_data::<web::Data<App>>()
        .is_some_and(|app| app.web_origin_allowed(&origin, client.as_deref()));
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(value) = allowed
        .then(|| HeaderValue::from_str(&origin).ok())
        .flatten()
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    Ok(response)
}

/// The preflight a browser sends before a cross-origin POST of a form it cannot send simply
/// (any with an `Authorization` header, say). The client is not known yet, so an origin some
/// client lists may go on; the answer itself is then checked against its client.
pub async fn preflight(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let mut answer = HttpResponse::NoContent();
    // Like every answer of these endpoints (RFC 6749 §5.1); the browser keeps a preflight's
    // verdict by `Access-Control-Max-Age` alone. `Vary` is added by the middleware.
    answer.insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(origin) = origin_of(&request).filter(|o| app.web_origin_allowed(o, None)) {
        answer
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, origin))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, "POST"))
            .insert_header((
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                "Authorization, Content-Type",
            ))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, "600"));
    }
    answer.finish()
}
