//! `/admin/keys`: the signing keys and their states, and rotating them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Admin, Done, refused_page, run};
use crate::app::App;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::http::browser::{Browser, PageError, PageForm, page, see_other};
use crate::pages::admin::{Confirm, KeyRow, KeysPage, Section, confirm, keys_page};

/// `GET /admin/keys`
pub async fn list(
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let keys = match run(&app, &admin, AdminRequest::KeyList).await? {
        Done::Response(AdminResponse::Keys { keys }) => keys,
        Done::Response(_) => return Err(PageError::fault("the key list", "not keys")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let rows: Vec<KeyRow> = keys
        .iter()
        .map(|k| KeyRow {
            kid: k.kid.clone(),
            alg: k.alg.clone(),
            state: k.state.clone(),
            created: frame.language.date_time(k.created_at),
        })
        .collect();
    Ok(page(
        StatusCode::OK,
        keys_page(frame, &KeysPage { keys: &rows }),
        None,
    ))
}

/// `GET /admin/keys/rotate`: what rotating does, before it is done.
pub async fn confirm_rotate(
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let view = Confirm {
        csrf_token: &browser.form_token(&app),
        section: Section::Keys,
        title: &frame.text("admin-rotate-title"),
        body: &frame.text("admin-rotate-body"),
        action: "/admin/keys/rotate",
        button: &frame.text("admin-rotate"),
        back: "/admin/keys",
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

/// `POST /admin/keys/rotate`: every signing algorithm gets a next key, as `authbox key rotate`
/// does without `--alg`.
pub async fn rotate(
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let request = AdminRequest::KeyRotate {
        alg: None,
        now: false,
    };
    match run(&app, &admin, request).await? {
        Done::Response(_) => Ok(see_other("/admin/keys")),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}
