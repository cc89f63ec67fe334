//! Serving the embedded static files.

use actix_web::HttpResponse;
use actix_web::http::header;

use crate::assets::STYLESHEET;

/// The name carries the content hash, so the response may be cached for a year.
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(STYLESHEET)
}
