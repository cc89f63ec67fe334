//! "My devices": every device signed in as this person, each with a sign-out button.

use maud::{Markup, html};

use super::layout::{Frame, page, rich};
use crate::i18n::Arg;

pub struct DeviceLine {
    pub id: String,
    pub client_name: String,
    /// When it was approved, as the person's language writes a date.
    pub approved: String,
    /// How long ago it was last used, in words.
    pub last_used: String,
    pub from: Option<String>,
    pub scopes: Vec<String>,
}

/// A web app the person allowed to sign them in without asking again.
pub struct AppLine {
    pub client_id: String,
    pub client_name: String,
    /// When it was allowed, as the person's language writes a date.
    pub allowed: String,
    pub scopes: Vec<String>,
}

pub struct Devices<'a> {
    pub csrf_token: &'a str,
    pub signed_in_as: &'a str,
    pub devices: &'a [DeviceLine],
    pub apps: &'a [AppLine],
    /// What just happened, e.g. a device signed out, in the person's language.
    pub notice: Option<&'a str>,
}

fn device_facts(frame: &Frame, device: &DeviceLine) -> String {
    let date = Arg::Text(&device.approved);
    let used = Arg::Text(&device.last_used);
    match &device.from {
        Some(from) => frame.text_with(
            "device-facts-from",
            &[("date", date), ("address", Arg::Text(from)), ("used", used)],
        ),
        None => frame.text_with("device-facts", &[("date", date), ("used", used)]),
    }
}

pub fn devices(frame: &Frame, view: &Devices<'_>) -> Markup {
    let account = || [("account", Arg::Text(view.signed_in_as))];
    let counted = |count: usize| {
        [
            ("account", Arg::Text(view.signed_in_as)),
            ("count", count.into()),
        ]
    };
    let title = frame.text("devices-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            @if let Some(notice) = view.notice {
                p role="status" { strong { (notice) } }
            }
            h2 { (frame.text_with("devices-count", &[("count", view.devices.len().into())])) }
            @if view.devices.is_empty() {
                p { (frame.text_with("devices-none", &account())) }
            } @else {
                p { (frame.text_with("devices-intro", &counted(view.devices.len()))) }
                ul class="devices" {
                    @for device in view.devices {
                        li {
                            strong { (device.client_name) }
                            br;
                            span class="muted" { (device_facts(frame, device)) }
                            ul class="scopes" {
                                @for words in &device.scopes { li { (words) } }
                            }
                            form method="post" action="/devices/sign-out" {
                                input type="hidden" name="csrf_token" value=(view.csrf_token);
                                input type="hidden" name="device" value=(device.id);
                                button type="submit" class="secondary" {
                                    (frame.text_with("device-sign-out", &[("client", Arg::Text(&device.client_name))]))
                                }
                            }
                        }
                    }
                }
            }
            h2 { (frame.text_with("apps-count", &[("count", view.apps.len().into())])) }
            @if view.apps.is_empty() {
                p { (frame.text("apps-none")) }
            } @else {
                p { (frame.text_with("apps-intro", &counted(view.apps.len()))) }
                ul class="devices" {
                    @for app in view.apps {
                        li {
                            strong { (app.client_name) }
                            br;
                            span class="muted" {
                                (frame.text_with("app-facts", &[("date", Arg::Text(&app.allowed))]))
                            }
                            ul class="scopes" {
                                @for words in &app.scopes { li { (words) } }
                            }
                            form method="post" action="/devices/forget-app" {
                                input type="hidden" name="csrf_token" value=(view.csrf_token);
                                input type="hidden" name="client_id" value=(app.client_id);
                                button type="submit" class="secondary" {
                                    (frame.text_with("app-forget", &[("app", Arg::Text(&app.client_name))]))
                                }
                            }
                        }
                    }
                }
            }
            p { a href="/device" { (frame.text("connect-another")) } }
        },
    )
}

pub struct SignedIn<'a> {
    pub csrf_token: &'a str,
    /// The name the person is known by.
    pub account: &'a str,
}

/// After signing in with no code in hand, and `/login` for a browser already signed in: as
/// whom, where to go, and how to sign out.
pub fn signed_in(frame: &Frame, view: &SignedIn<'_>) -> Markup {
    let title = frame.text("signed-in-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p { (rich(frame, "signed-in-as", &[("account", html! { strong { (view.account) } })])) }
            p { a href="/device" { (frame.text("signed-in-enter-code")) } }
            p { a href="/devices" { (frame.text("signed-in-devices")) } }
            form method="post" action="/logout" class="signout" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                button type="submit" class="secondary" { (frame.text("sign-out-button")) }
            }
            p { a href="/account" { (frame.text("account-title")) } }
        },
    )
}
