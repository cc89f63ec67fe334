//! `GET /metrics`: Prometheus text format (see [`crate::telemetry`] for what is in it).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::errors::json_error;
use crate::app::App;
use crate::telemetry;

pub async fn metrics(app: web::Data<App>) -> HttpResponse {
    let Some(recorder) = telemetry::recorder() else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            Some("metrics are not available in this process"),
        );
    };
    match on_blocking_pool(&app, |app| app.live_rows()).await {
        Ok(Ok(rows)) => {
            for (kind, count) in rows {
                telemetry::live_rows(kind, count);
            }
        }
        Ok(Err(e)) => tracing::warn!(error = %e, "live row counts could not be read"),
        Err(_) => {}
    }
    recorder.run_upkeep();
    let mut text = recorder.render();
    text.push_str(&app.swaps_lost().render());
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text)
}
