//! `/healthz`: the process answers and the data file can be read; and, when the sweeper is
//! holding off deleting because the clock jumped, why.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde_json::json;

use super::blocking::on_blocking_pool;
use super::errors::json_error;
use crate::app::App;

pub async fn healthz(app: web::Data<App>) -> HttpResponse {
    match on_blocking_pool(&app, |app| app.status()).await {
        Ok(Ok(_)) => {
            let body = match app.sweep_held() {
                Some(why) => json!({ "status": "ok", "sweeper": why }),
                None => json!({ "status": "ok" }),
            };
            HttpResponse::Ok()
                .insert_header(("Cache-Control", "no-store"))
                .json(body)
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "health check failed");
            json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                Some("the data file cannot be used right now"),
            )
        }
        Err(_) => json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            None,
        ),
    }
}
