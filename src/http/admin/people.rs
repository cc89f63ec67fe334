//! `/admin/people`: the list (searched, paged), one person with their paired devices, and
//! disabling, enabling and signing a device out.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{Admin, Done, refused_page, run};
use crate::app::App;
use crate::app::admin::UserView;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::http::browser::{Browser, PageError, PageForm, page, see_other};
use crate::http::form::Form;
use crate::i18n::Arg;
use crate::pages::admin::address;
use crate::pages::admin::{
    Confirm, DeviceRow, Paging, PeoplePage, PersonPage, PersonRow, Section, confirm, people_page,
    person_page,
};
use crate::pages::layout::Frame;

/// People per page of the list.
const PAGE_SIZE: usize = 50;

fn matches(user: &UserView, query: &str) -> bool {
    let query = query.to_lowercase();
    [
        Some(&user.username),
        user.name.as_ref(),
        user.email.as_ref(),
    ]
    .into_iter()
    .flatten()
    .any(|field| field.to_lowercase().contains(&query))
}

/// `GET /admin/people?q=…&page=…`
pub async fn list(
    request: HttpRequest,
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let searched: String = query
        .get("q")
        .unwrap_or_default()
        .chars()
        .take(64)
        .collect();
    let page_number: usize = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let users = match run(&app, &admin, AdminRequest::UserList).await? {
        Done::Response(AdminResponse::Users { users }) => users,
        Done::Response(_) => return Err(PageError::fault("the people list", "not a user list")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let found: Vec<&UserView> = users.iter().filter(|u| matches(u, &searched)).collect();
    let start = (page_number - 1).saturating_mul(PAGE_SIZE);
    let rows: Vec<PersonRow> = found
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|u| PersonRow {
            username: u.username.clone(),
            name: u.name.clone().unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
            admin: u.admin,
            disabled: u.disabled,
        })
        .collect();
    let link = |number: usize| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &searched)
            .append_pair("page", &number.to_string())
            .finish();
        format!("/admin/people?{query}")
    };
    let paging = Paging {
        previous: (page_number > 1).then(|| link(page_number - 1)),
        next: (found.len() > start + PAGE_SIZE).then(|| link(page_number + 1)),
    };
    let view = PeoplePage {
        query: &searched,
        people: &rows,
        paging,
    };
    Ok(page(StatusCode::OK, people_page(frame, &view), None))
}

fn yes_no(frame: &Frame, flag: bool) -> String {
    if flag {
        frame.text("admin-yes")
    } else {
        frame.text("admin-no")
    }
}

/// `GET /admin/people/{username}`
pub async fn show(
    username: web::Path<String>,
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let username = username.into_inner();
    let request = AdminRequest::UserShow {
        username: username.clone(),
    };
    let user = match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::User { user, .. }) => user,
        Done::Response(_) => return Err(PageError::fault("a person's page", "not a user")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let request = AdminRequest::GrantList {
        username: Some(username.clone()),
    };
    let grants = match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::Grants { grants }) => grants,
        Done::Response(_) => return Err(PageError::fault("a person's page", "not grants")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let now = app.now();
    let devices: Vec<DeviceRow> = grants
        .iter()
        .map(|g| DeviceRow {
            grant_id: g.id.clone(),
            client_name: g.client_name.clone(),
            approved: frame.language.date_time(g.approved_at),
            last_used: frame
                .language
                .ago(now.since(crate::domain::time::Timestamp::from_secs(g.last_used_at))),
            live: g.state == "live",
        })
        .collect();
    let email = match (&user.email, user.email_verified) {
        (Some(email), true) => {
            frame.text_with("admin-email-verified", &[("email", Arg::Text(email))])
        }
        (Some(email), false) => email.clone(),
        (None, _) => String::new(),
    };
    let facts = vec![
        (
            frame.text("admin-name"),
            user.name.clone().unwrap_or_default(),
        ),
        (frame.text("admin-email"), email),
        (frame.text("admin-subject"), user.sub.clone()),
        (frame.text("admin-groups"), user.groups.join(", ")),
        (frame.text("admin-role-admin"), yes_no(frame, user.admin)),
        (frame.text("admin-state"), state(frame, user.disabled)),
        (
            frame.text("admin-created"),
            frame.language.date_time(user.created_at),
        ),
    ];
    let token = browser.form_token(&app);
    let view = PersonPage {
        csrf_token: &token,
        username: &user.username,
        facts: &facts,
        disabled: user.disabled,
        devices: &devices,
    };
    Ok(page(StatusCode::OK, person_page(frame, &view), None))
}

fn state(frame: &Frame, disabled: bool) -> String {
    if disabled {
        frame.text("admin-state-disabled")
    } else {
        frame.text("admin-state-active")
    }
}

/// `GET /admin/people/{username}/disable`: what disabling ends, before it is done.
pub async fn confirm_disable(
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
        title: &frame.text_with("admin-disable-user-title", &account),
        body: &frame.text_with("admin-disable-user-body", &account),
        action: &format!("{here}/disable"),
        button: &frame.text("admin-disable"),
        back: &here,
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

async fn set_disabled(
    username: String,
    disabled: bool,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let here = address("people", &username);
    let request = AdminRequest::UserSetDisabled { username, disabled };
    match run(&app, &admin, request).await? {
        Done::Response(_) => Ok(see_other(&here)),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}

/// `POST /admin/people/{username}/disable`
pub async fn disable(
    username: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    set_disabled(username.into_inner(), true, admin, form, app).await
}

/// `POST /admin/people/{username}/enable`
pub async fn enable(
    username: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    set_disabled(username.into_inner(), false, admin, form, app).await
}

/// `POST /admin/grants/revoke`: signs one paired device out; back to the page it was pressed
/// on, when that is an admin page.
pub async fn revoke_grant(
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let id = form.get("grant").unwrap_or_default().to_owned();
    let back = form
        .get("back")
        .filter(|b| b.starts_with("/admin/") && !b.contains("//"))
        .unwrap_or("/admin/people")
        .to_owned();
    match run(&app, &admin, AdminRequest::GrantRevoke { id }).await? {
        Done::Response(_) => Ok(see_other(&back)),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}

/// `GET /admin/people/{username}/remove`: what removing ends, before it is done.
pub async fn confirm_remove(
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
        title: &frame.text_with("admin-remove-user-title", &account),
        body: &frame.text_with("admin-remove-user-body", &account),
        action: &format!("{here}/remove"),
        button: &frame.text("admin-remove"),
        back: &here,
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

/// `POST /admin/people/{username}/remove`
pub async fn remove(
    username: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let request = AdminRequest::UserRemove {
        username: username.into_inner(),
    };
    match run(&app, &admin, request).await? {
        Done::Response(_) => Ok(see_other("/admin/people")),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}
