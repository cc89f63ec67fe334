//! The one hop from an async handler to the blocking pool, where store and crypto calls run.

use actix_web::web;

use crate::app::App;

/// The blocking pool was shut down or the work panicked; either way the request cannot be served.
#[derive(Debug)]
pub struct PoolUnavailable;

pub async fn on_blocking_pool<T: Send + 'static>(
    app: &web::Data<App>,
    work: impl FnOnce(&App) -> T + Send + 'static,
) -> Result<T, PoolUnavailable> {
    let app = app.clone().into_inner();
    web::block(move || work(&app))
        .await
        .map_err(|_| PoolUnavailable)
}
