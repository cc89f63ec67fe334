//! `GET /`: the landing page. It names the server and leads to the code form, to signing in,
//! and, for the person signed in, to their devices (and, for an administrator, to
//! administration).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::blocking::on_blocking_pool;
use super::browser::{Browser, PageError, page};
use crate::app::App;
use crate::app::person::known_as;
use crate::pages::home::{Home, Link, home};

/// The administration pages a signed-in administrator is offered. There are none yet (the CLI
/// is where administration happens), so the landing page says that instead; a page added under
/// `/admin` gets its link here.
fn admin_links() -> Vec<Link> {
    Vec::new()
}

pub async fn landing(browser: Browser, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let signed_in = match browser.cookie.clone() {
        Some(cookie) => on_blocking_pool(&app, move |app| app.signed_in(&cookie)).await??,
        None => None,
    };
    let user = signed_in.map(|(_, user)| user);
    let token = browser.form_token(&app);
    let view = Home {
        csrf_token: &token,
        signed_in_as: user.as_ref().map(known_as),
        admin_links: user.as_ref().filter(|u| u.admin).map(|_| admin_links()),
    };
    Ok(page(StatusCode::OK, home(&browser.frame, &view), None))
}
