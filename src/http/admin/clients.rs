//! `/admin/clients`: the list, one client's settings, and disabling and enabling it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Admin, Done, refused_page, run};
use crate::app::App;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::app::clients::ClientSettings;
use crate::http::browser::{Browser, PageError, PageForm, page, see_other};
use crate::i18n::Arg;
use crate::pages::admin::address;
use crate::pages::admin::{
    ClientPage, ClientRow, ClientsPage, Confirm, SecretMade, Section, client_page, clients_page,
    confirm, secret_made,
};
use crate::pages::layout::Frame;

fn state(frame: &Frame, disabled: bool) -> String {
    if disabled {
        frame.text("admin-state-disabled")
    } else {
        frame.text("admin-state-active")
    }
}

/// `GET /admin/clients`
pub async fn list(
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let clients = match run(&app, &admin, AdminRequest::ClientList).await? {
        Done::Response(AdminResponse::Clients { clients }) => clients,
        Done::Response(_) => return Err(PageError::fault("the client list", "not clients")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let rows: Vec<ClientRow> = clients
        .iter()
        .map(|c| ClientRow {
            client_id: c.client_id.clone(),
            name: c.name.clone(),
            client_type: c.client_type.clone(),
            grants: c.grants.join(", "),
            disabled: c.disabled,
        })
        .collect();
    let view = ClientsPage { clients: &rows };
    Ok(page(StatusCode::OK, clients_page(frame, &view), None))
}

/// `GET /admin/clients/{client_id}`
pub async fn show(
    client_id: web::Path<String>,
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let request = AdminRequest::ClientShow {
        client_id: client_id.into_inner(),
    };
    let client = match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::Client { client, .. }) => client,
        Done::Response(_) => return Err(PageError::fault("a client's page", "not a client")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let seconds = |s: Option<u64>| {
        s.map(|s| frame.text_with("admin-seconds", &[("count", Arg::Count(s))]))
            .unwrap_or_else(|| frame.text("admin-server-default"))
    };
    let facts = vec![
        (frame.text("admin-client-id"), client.client_id.clone()),
        (frame.text("admin-client-type"), client.client_type.clone()),
        (frame.text("admin-grants"), client.grants.join(", ")),
        (frame.text("admin-scopes"), client.scopes.clone()),
        (
            frame.text("admin-redirect-uris"),
            client.redirect_uris.join(" "),
        ),
        (
            frame.text("admin-web-origins"),
            client.web_origins.join(" "),
        ),
        (
            frame.text("admin-access-token-ttl"),
            seconds(client.access_token_ttl_secs),
        ),
        (
            frame.text("admin-id-token-alg"),
            client
                .id_token_alg
                .clone()
                .unwrap_or_else(|| frame.text("admin-server-default")),
        ),
        (
            frame.text("admin-allowed-groups"),
            allowed_words(frame, &client.allowed_groups),
        ),
        (frame.text("admin-state"), state(frame, client.disabled)),
        (
            frame.text("admin-created"),
            frame.language.date_time(client.created_at),
        ),
    ];
    let token = browser.form_token(&app);
    let allowed = client.allowed_groups.join(" ");
    let view = ClientPage {
        csrf_token: &token,
        client_id: &client.client_id,
        name: &client.name,
        facts: &facts,
        disabled: client.disabled,
        allowed_groups: &allowed,
        confidential: client.client_type == "confidential",
    };
    Ok(page(StatusCode::OK, client_page(frame, &view), None))
}

/// Who may use a client, in words.
fn allowed_words(frame: &Frame, groups: &[String]) -> String {
    if groups.is_empty() {
        frame.text("admin-everyone")
    } else {
        groups.join(", ")
    }
}

/// `POST /admin/clients/{client_id}/groups`: the groups allowed to use the client, separated
/// by spaces or commas; none means everyone.
pub async fn set_groups(
    client_id: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let client_id = client_id.into_inner();
    let here = address("clients", &client_id);
    let groups: Vec<String> = form
        .get("groups")
        .unwrap_or_default()
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect();
    let request = AdminRequest::ClientUpdate {
        client_id,
        settings: ClientSettings {
            allow_groups: Some(groups),
            ..ClientSettings::default()
        },
    };
    match run(&app, &admin, request).await? {
        Done::Response(_) => Ok(see_other(&here)),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}

/// `GET /admin/clients/{client_id}/disable`: what disabling does, before it is done.
pub async fn confirm_disable(
    client_id: web::Path<String>,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let client_id = client_id.into_inner();
    let client = [("client", Arg::Text(&client_id))];
    let here = address("clients", &client_id);
    let view = Confirm {
        csrf_token: &browser.form_token(&app),
        section: Section::Clients,
        title: &frame.text_with("admin-disable-client-title", &client),
        body: &frame.text_with("admin-disable-client-body", &client),
        action: &format!("{here}/disable"),
        button: &frame.text("admin-disable"),
        back: &here,
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

async fn set_disabled(
    client_id: String,
    disabled: bool,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let here = address("clients", &client_id);
    let request = AdminRequest::ClientUpdate {
        client_id,
        settings: ClientSettings {
            disabled: Some(disabled),
            ..ClientSettings::default()
        },
    };
    match run(&app, &admin, request).await? {
        Done::Response(_) => Ok(see_other(&here)),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}

/// `POST /admin/clients/{client_id}/disable`
pub async fn disable(
    client_id: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    set_disabled(client_id.into_inner(), true, admin, form, app).await
}

/// `POST /admin/clients/{client_id}/enable`
pub async fn enable(
    client_id: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    set_disabled(client_id.into_inner(), false, admin, form, app).await
}

/// `GET /admin/clients/{client_id}/secret`: what a new secret does, before it is made.
pub async fn confirm_rotate_secret(
    client_id: web::Path<String>,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let client_id = client_id.into_inner();
    let client = [("client", Arg::Text(&client_id))];
    let here = address("clients", &client_id);
    let view = Confirm {
        csrf_token: &browser.form_token(&app),
        section: Section::Clients,
        title: &frame.text_with("admin-secret-title", &client),
        body: &frame.text_with("admin-secret-body", &client),
        action: &format!("{here}/secret"),
        button: &frame.text("admin-secret-rotate"),
        back: &here,
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

/// `POST /admin/clients/{client_id}/secret`: a new secret, shown once in this answer (never
/// in an address, never stored but as its hash).
pub async fn rotate_secret(
    client_id: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &form.frame;
    let client_id = client_id.into_inner();
    let request = AdminRequest::ClientRotateSecret {
        client_id: client_id.clone(),
    };
    let secret = match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::Client {
            secret: Some(secret),
            ..
        }) => secret,
        Done::Response(_) => return Err(PageError::fault("a new secret", "none was made")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let view = SecretMade {
        client_id: &client_id,
        secret: &secret,
    };
    let mut answer = page(StatusCode::OK, secret_made(frame, &view), None);
    answer.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    Ok(answer)
}

/// `GET /admin/clients/{client_id}/remove`: what removing ends, before it is done.
pub async fn confirm_remove(
    client_id: web::Path<String>,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let client_id = client_id.into_inner();
    let client = [("client", Arg::Text(&client_id))];
    let here = address("clients", &client_id);
    let view = Confirm {
        csrf_token: &browser.form_token(&app),
        section: Section::Clients,
        title: &frame.text_with("admin-remove-client-title", &client),
        body: &frame.text_with("admin-remove-client-body", &client),
        action: &format!("{here}/remove"),
        button: &frame.text("admin-remove"),
        back: &here,
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

/// `POST /admin/clients/{client_id}/remove`
pub async fn remove(
    client_id: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let request = AdminRequest::ClientRemove {
        client_id: client_id.into_inner(),
    };
    match run(&app, &admin, request).await? {
        Done::Response(_) => Ok(see_other("/admin/clients")),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}
