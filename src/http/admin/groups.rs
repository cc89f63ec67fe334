//! `/admin/groups`: the list and creating one; one group's members, adding and removing them,
//! renaming it, and deleting it after a confirmation.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Admin, Done, refused_page, run};
use crate::app::App;
use crate::app::admin::{AdminRequest, AdminResponse};
use crate::app::groups::GroupRequest;
use crate::http::browser::{Browser, PageError, PageForm, page, see_other};
use crate::i18n::Arg;
use crate::pages::admin::address;
use crate::pages::admin::{
    Confirm, GroupPage, GroupRow, GroupsPage, Section, confirm, group_page, groups_page,
};

/// The address of a group's page.
fn group_address(name: &str) -> String {
    let name: String = url::form_urlencoded::byte_serialize(name.as_bytes()).collect();
    address("groups", &name)
}

/// `GET /admin/groups`
pub async fn list(
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let groups = match run(&app, &admin, AdminRequest::Group(GroupRequest::List)).await? {
        Done::Response(AdminResponse::Groups { groups }) => groups,
        Done::Response(_) => return Err(PageError::fault("the group list", "not groups")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let rows: Vec<GroupRow> = groups
        .iter()
        .map(|g| GroupRow {
            name: g.name.clone(),
            members: g.members.len(),
        })
        .collect();
    let token = browser.form_token(&app);
    let view = GroupsPage {
        csrf_token: &token,
        groups: &rows,
    };
    Ok(page(StatusCode::OK, groups_page(frame, &view), None))
}

/// `GET /admin/groups/{name}`
pub async fn show(
    name: web::Path<String>,
    admin: Admin,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let request = AdminRequest::Group(GroupRequest::Show {
        name: name.into_inner(),
    });
    let group = match run(&app, &admin, request).await? {
        Done::Response(AdminResponse::Group { group }) => group,
        Done::Response(_) => return Err(PageError::fault("a group's page", "not a group")),
        Done::Refused(failure) => return Ok(refused_page(frame, &failure)),
    };
    let token = browser.form_token(&app);
    let view = GroupPage {
        csrf_token: &token,
        name: &group.name,
        members: &group.members,
    };
    Ok(page(StatusCode::OK, group_page(frame, &view), None))
}

/// Runs a change to a group, then goes to `then` (or shows why it was refused).
async fn change(
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
    request: GroupRequest,
    then: String,
) -> Result<HttpResponse, PageError> {
    match run(&app, &admin, AdminRequest::Group(request)).await? {
        Done::Response(_) => Ok(see_other(&then)),
        Done::Refused(failure) => Ok(refused_page(&form.frame, &failure)),
    }
}

/// `POST /admin/groups`: creates the group the form names.
pub async fn create(
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let name = form.get("name").unwrap_or_default().trim().to_owned();
    let then = group_address(&name);
    change(admin, form, app, GroupRequest::Create { name }, then).await
}

/// `POST /admin/groups/{name}/members`: adds the person the form names.
pub async fn add_member(
    name: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let name = name.into_inner();
    let username = form.get("username").unwrap_or_default().trim().to_owned();
    let then = group_address(&name);
    let request = GroupRequest::Add {
        name,
        usernames: vec![username],
    };
    change(admin, form, app, request, then).await
}

/// `POST /admin/groups/{name}/members/remove`
pub async fn remove_member(
    name: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let name = name.into_inner();
    let username = form.get("username").unwrap_or_default().to_owned();
    let then = group_address(&name);
    let request = GroupRequest::Remove {
        name,
        usernames: vec![username],
    };
    change(admin, form, app, request, then).await
}

/// `POST /admin/groups/{name}/rename`
pub async fn rename(
    name: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let new_name = form.get("new_name").unwrap_or_default().trim().to_owned();
    let then = group_address(&new_name);
    let request = GroupRequest::Rename {
        name: name.into_inner(),
        new_name,
    };
    change(admin, form, app, request, then).await
}

/// `GET /admin/groups/{name}/delete`: what deleting does, before it is done.
pub async fn confirm_delete(
    name: web::Path<String>,
    browser: Browser,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let frame = &browser.frame;
    let name = name.into_inner();
    let group = [("group", Arg::Text(&name))];
    let here = group_address(&name);
    let view = Confirm {
        csrf_token: &browser.form_token(&app),
        section: Section::Groups,
        title: &frame.text_with("admin-delete-group-title", &group),
        body: &frame.text_with("admin-delete-group-body", &group),
        action: &format!("{here}/delete"),
        button: &frame.text("admin-delete"),
        back: &here,
    };
    Ok(page(StatusCode::OK, confirm(frame, &view), None))
}

/// `POST /admin/groups/{name}/delete`: refused while a client's policy names the group.
pub async fn delete(
    name: web::Path<String>,
    admin: Admin,
    form: PageForm,
    app: web::Data<App>,
) -> Result<HttpResponse, PageError> {
    let request = GroupRequest::Delete {
        name: name.into_inner(),
    };
    change(admin, form, app, request, "/admin/groups".into()).await
}
