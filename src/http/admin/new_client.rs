//! `/admin/clients/new`: registering a client on the pages, with the settings most clients
//! need (the CLI has every one). A confidential client's secret is shown once, in the answer.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Admin, Done, run};
use crate::app::App;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::app::clients::ClientSettings;
use crate::http::browser::{Browser, PageError, PageForm, page, see_other};
use crate::pages::admin::address;
use crate::pages::admin::{NewClientPage, SecretMade, grant_fields, new_client_page, secret_made};

/// `GET /admin/clients/new`
pub async fn form(browser: Browser, app: web::Data<App>) -> Result<HttpResponse, PageError> {
    let view = NewClientPage {
        csrf_token: &browser.form_token(&app),
        problem: None,
    };
    Ok(page(
        StatusCode::OK,
        new_client_page(&browser.frame, &view),
        None,
    ))
}

/// Words separated by spaces or commas, as a list; `None` when there are none.
fn words(text: Option<&str>) -> Option<Vec<String>> {
    let list: Vec<String> = text
        .unwrap_or_default()
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    (!list.is_empty()).then_some(list)
}

/// `POST /admin/clients/new`
pub async fn create(
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &form.frame;
    let client_id = form.get("client_id").unwrap_or_default().trim().to_owned();
    let confidential = form.get("confidential") == Some("yes");
    let grants: Vec<String> = grant_fields()
        .filter(|(field, _)| form.get(field) == Some("yes"))
        .map(|(_, grant)| grant.to_owned())
        .collect();
    let settings = ClientSettings {
        name: form
            .get("name")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        grants: Some(grants),
        scopes: form.get("scope").map(str::to_owned),
        redirect_uris: words(form.get("redirect_uris")),
        allow_groups: words(form.get("groups")),
        ..ClientSettings::default()
    };
    let request = AdminRequest::ClientAdd {
        client_id: client_id.clone(),
        confidential,
        settings,
    };
    match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::Client {
            secret: Some(secret),
            ..
        }) => {
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
        Done::Response(_) => Ok(see_other(&address("clients", &client_id))),
        Done::Refused(failure) => {
            let view = NewClientPage {
                csrf_token: &form.form_token(&app),
                problem: Some(&failure.message),
            };
            Ok(page(
                StatusCode::BAD_REQUEST,
                new_client_page(frame, &view),
                None,
            ))
        }
    }
}
