//! Every request, observed once: one log line (target `authbox::access`) and the request
//! metrics, with the route pattern rather than the path, and never the query string, headers
//! or body, which is where codes and tokens travel.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::telemetry;

pub async fn observe(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.match_pattern();
    let outcome = next.call(request).await;
    let elapsed = started.elapsed();
    let status = match &outcome {
        Ok(response) => response.status(),
        Err(e) => e.as_response_error().status_code(),
    };
    // Unknown paths share one label, so a scanner cannot grow the metrics without bound.
    let route = route.as_deref().unwrap_or("unmatched");
    tracing::info!(
        target: "authbox::access",
        method = %method,
        route = %route,
        status = status.as_u16(),
        latency_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    telemetry::http_request(route, method.as_str(), status.as_u16(), elapsed);
    outcome
}
