//! "My devices": every device signed in as this person, each with a sign-out button.

use maud::{Markup, html};

use super::layout::page;

pub struct DeviceLine {
    pub id: String,
    pub client_name: String,
    pub approved: String,
    pub last_used: String,
    pub from: Option<String>,
    pub scopes: Vec<String>,
}

/// A web app the person allowed to sign them in without asking again.
pub struct AppLine {
    pub client_id: String,
    pub client_name: String,
    pub allowed: String,
    pub scopes: Vec<String>,
}

pub struct Devices<'a> {
    pub csrf_token: &'a str,
    pub signed_in_as: &'a str,
    pub devices: &'a [DeviceLine],
    pub apps: &'a [AppLine],
    /// What just happened, e.g. a device signed out.
    pub notice: Option<&'a str>,
}

pub fn devices(view: &Devices<'_>) -> Markup {
    page(
        "My devices and apps",
        html! {
            h1 { "My devices and apps" }
            @if let Some(notice) = view.notice {
                p role="status" { strong { (notice) } }
            }
            @if view.devices.is_empty() {
                p { "No device is signed in as " (view.signed_in_as) "." }
            } @else {
                p { "These devices are signed in as " (view.signed_in_as) ". Sign out any you do not recognise." }
                ul class="devices" {
                    @for device in view.devices {
                        li {
                            strong { (device.client_name) }
                            br;
                            span class="muted" {
                                "Connected " (device.approved)
                                @if let Some(from) = &device.from { " from " (from) }
                                ", last used " (device.last_used) "."
                            }
                            ul class="scopes" {
                                @for words in &device.scopes { li { (words) } }
                            }
                            form method="post" action="/devices/sign-out" {
                                input type="hidden" name="csrf_token" value=(view.csrf_token);
                                input type="hidden" name="device" value=(device.id);
                                button type="submit" class="secondary" { "Sign out " (device.client_name) }
                            }
                        }
                    }
                }
            }
            h2 { "Apps" }
            @if view.apps.is_empty() {
                p { "No app signs you in without asking." }
            } @else {
                p { "These apps may sign you in as " (view.signed_in_as) " without asking again." }
                ul class="devices" {
                    @for app in view.apps {
                        li {
                            strong { (app.client_name) }
                            br;
                            span class="muted" { "Allowed " (app.allowed) "." }
                            ul class="scopes" {
                                @for words in &app.scopes { li { (words) } }
                            }
                            form method="post" action="/devices/forget-app" {
                                input type="hidden" name="csrf_token" value=(view.csrf_token);
                                input type="hidden" name="client_id" value=(app.client_id);
                                button type="submit" class="secondary" { "Remove access for " (app.client_name) }
                            }
                        }
                    }
                }
            }
            p { a href="/device" { "Connect another device" } }
        },
    )
}

/// After signing in with no code in hand.
pub fn signed_in() -> Markup {
    page(
        "You are signed in",
        html! {
            h1 { "You are signed in" }
            p { a href="/device" { "Enter a device's code" } }
            p { a href="/devices" { "See the devices signed in as you" } }
        },
    )
}
