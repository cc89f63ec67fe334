//! `/admin/invite`, `/admin/people/{username}/reset` and `/admin/links`: one-time links made on
//! the pages, as `authbox user invite`, `user reset` and `user invites` make them.
//!
//! A link is shown once, in the answer to the POST that made it, and nowhere else: it cannot
//! be put in an address to redirect to (it would sit in the browser's history), and it is
//! never stored. Reloading that answer asks to post again, which makes no second link for an
//! invitation (the name is taken) and replaces a recovery link with a new one.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, web};

use super::{Admin, Done, refused_page, run};
use crate::app::App;
use crate::app::account_links::Invitation;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::http::browser::{Browser, PageError, PageForm, page, see_other};
use crate::i18n::Arg;
use crate::pages::admin::address;
use crate::pages::admin::{
    Confirm, InvitePage, LinkMade, LinkRow, LinksPage, Section, confirm, invite_page, link_made,
    links_page,
};
use crate::pages::layout::Frame;

/// `GET /admin/invite`
pub async fn invite_form(browser: Browser, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let view = InvitePage {
        csrf_token: &browser.form_token(&app),
        problem: None,
    };
    Ok(page(
        StatusCode::OK,
        invite_page(&browser.frame, &view),
        None,
    ))
}

/// The page that shows a link just made, kept out of every cache.
fn shown_once(frame: &Frame, title: &str, response: AdminResponse) -> HttpResponse {
    let AdminResponse::Link { link, url } = response else {
        return PageError::fault("a new link", "the answer is not a link").render(frame);
    };
    let until = frame.text_with(
        "admin-link-until",
        &[(
            "time",
            Arg::Text(&frame.language.date_time(link.expires_at)),
        )],
    );
    let view = LinkMade {
        title,
        url: &url,
        until: &until,
        username: &link.username,
    };
    let mut answer = page(StatusCode::OK, link_made(frame, &view), None);
    answer
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

/// `POST /admin/invite`: creates the account and shows its link once.
pub async fn invite(
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &form.frame;
    let field = |name: &str| {
        form.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let username = field("username").unwrap_or_default();
    let groups = field("groups")
        .unwrap_or_default()
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect();
    let request = AdminRequest::UserInvite {
        invitation: Invitation {
            username: username.clone(),
            display_name: field("name"),
            email: field("email"),
            admin: form.get("admin") == Some("yes"),
            ttl_secs: None,
            groups,
        },
    };
    match run(&app, &admin, request).await? {
        Done::Response(response) => {
            let title = frame.text_with("admin-invited", &[("account", Arg::Text(&username))]);
            Ok(shown_once(frame, &title, response))
        }
        Done::Refused(failure) => {
            let view = InvitePage {
                csrf_token: &form.form_token(&app),
                problem: Some(&failure.message),
            };
            Ok(page(
                StatusCode::BAD_REQUEST,
                invite_page(frame, &view),
                None,
            ))
        }
    }
}

/// `GET /admin/people/{username}/reset`: what a recovery link does, before it is made.
pub async fn confirm_reset(
    username: web::Path<String>,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let username = username.into_inner();
    let account = [("account", Arg::Text(&username))];
    let here = address("people", &username);
    let view = Confirm {
        csrf_token: &browser.form_token(&app),
        section: Section::People,
        title: &frame.text_with("admin-reset-title", &account),
        body: &frame.text_with("admin-reset-body", &account),
        action: &format!("{here}/reset"),
        button: &frame.text("admin-reset"),
        back: &here,
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

/// `POST /admin/people/{username}/reset`: makes a recovery link and shows it once.
pub async fn reset(
    username: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &form.frame;
    let username = username.into_inner();
    let request = AdminRequest::UserReset {
        username: username.clone(),
        keep_devices: false,
        ttl_secs: None,
    };
    match run(&app, &admin, request).await? {
        Done::Response(response) => {
            let title = frame.text_with("admin-reset-made", &[("account", Arg::Text(&username))]);
            Ok(shown_once(frame, &title, response))
        }
        Done::Refused(failure) => Ok(refused_page(frame, &failure)),
    }
}

/// `GET /admin/links`
pub async fn list(
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let links = match run(&app, &admin, AdminRequest::LinkList).await? {
        Done::Response(AdminResponse::Links { links }) => links,
        Done::Response(_) => return Err(PageError::fault("the link list", "not links")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let rows: Vec<LinkRow> = links
        .iter()
        .map(|l| LinkRow {
            id: l.id.clone(),
            username: l.username.clone(),
            kind: l.kind.clone(),
            state: l.state.clone(),
            expires: frame.language.date_time(l.expires_at),
            live: l.state == "live",
        })
        .collect();
    let token = browser.form_token(&app);
    let view = LinksPage {
        csrf_token: &token,
        links: &rows,
    };
    Ok(page(StatusCode::OK, links_page(frame, &view), None))
}

/// `POST /admin/links/revoke`: withdraws a live link.
pub async fn revoke(
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let id = form.get("id").unwrap_or_default().to_owned();
    match run(&app, &admin, AdminRequest::LinkRevoke { id }).await? {
        Done::Response(_) => Ok(see_other("/admin/links")),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}
