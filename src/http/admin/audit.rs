//! `GET /admin/audit?person=…&event=…&page=…`: the audit log, newest first, filtered by person
//! and event, paged.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{Admin, Done, refused_page, run};
use crate::app::App;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::domain::audit::AuditKind;
use crate::http::browser::{Browser, PageError, page};
use crate::http::form::Form;
use crate::pages::admin::{AuditPage, EventRow, Paging, audit_page};

/// Events per page.
const PAGE_SIZE: usize = 100;

pub async fn list(
    request: HttpRequest,
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let query = Form::parse_pairs(request.query_string()).unwrap_or_default();
    let person: String = query
        .get("person")
        .unwrap_or_default()
        .chars()
        .take(64)
        .collect();
    let known: Vec<&'static str> = AuditKind::ALL.iter().map(|k| k.name()).collect();
    let event = query
        .get("event")
        .and_then(|e| known.iter().find(|k| **k == e).copied())
        .unwrap_or_default();
    let page_number: usize = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let request = AdminRequest::Audit {
        since_secs: None,
        username: (!person.is_empty()).then(|| person.clone()),
    };
    let events = match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::Audit { events }) => events,
        Done::Response(_) => return Err(PageError::fault("the audit log", "not events")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let chosen: Vec<_> = events
        .iter()
        .rev()
        .filter(|e| event.is_empty() || e.event == event)
        .collect();
    let start = (page_number - 1).saturating_mul(PAGE_SIZE);
    let rows: Vec<EventRow> = chosen
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|e| EventRow {
            at: frame.language.date_time(e.at_ms / 1000),
            event: e.event.clone(),
            person: e
                .username
                .clone()
                .or_else(|| e.subject.clone())
                .unwrap_or_default(),
            client: e.client_id.clone().unwrap_or_default(),
            address: e.address.clone().unwrap_or_default(),
            detail: e.detail.clone().unwrap_or_default(),
        })
        .collect();
    let link = |number: usize| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("person", &person)
            .append_pair("event", event)
            .append_pair("page", &number.to_string())
            .finish();
        format!("/admin/audit?{query}")
    };
    let view = AuditPage {
        person: &person,
        event,
        events_known: &known,
        events: &rows,
        paging: Paging {
            previous: (page_number > 1).then(|| link(page_number - 1)),
            next: (chosen.len() > start + PAGE_SIZE).then(|| link(page_number + 1)),
        },
    };
    Ok(page(StatusCode::OK, audit_page(frame, &view), None))
}
