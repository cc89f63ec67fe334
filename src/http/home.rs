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
use crate::pages::layout::Frame;

/// The administration pages a signed-in administrator is offered.
fn admin_links(frame: &Frame) -> Vec<Link> {
    vec![
        Link {
            words: frame.text("admin-overview"),
            href: "/admin",
        },
        Link {
            words: frame.text("admin-people"),
            href: "/admin/people",
        },
        Link {
            words: frame.text("admin-clients"),
            href: "/admin/clients",
        },
        Link {
            words: frame.text("admin-keys"),
            href: "/admin/keys",
        },
        Link {
            words: frame.text("admin-audit"),
            href: "/admin/audit",
        },
    ]
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
        admin_links: user
            .as_ref()
            .filter(|u| u.admin)
            .map(|_| admin_links(&browser.frame)),
    };
    Ok(page(StatusCode::OK, home(&browser.frame, &view), None))
}
