//! The page a person sees when a client's access policy keeps them out: which app, which
//! account, and the ways on (back to the app, home, or signing in as someone else).

use maud::{Markup, html};

use super::layout::{Frame, page, rich};

pub struct NotForYou<'a> {
    pub app_name: &'a str,
    pub signed_in_as: &'a str,
    pub csrf_token: &'a str,
    /// For an app's request: back to it, carrying `error=access_denied`.
    pub back_to_app: Option<&'a str>,
}

pub fn not_for_you(frame: &Frame, view: &NotForYou<'_>) -> Markup {
    let title = frame.text("not-for-you-title");
    page(
        frame,
        &title,
        html! {
            h1 { (title) }
            p {
                (rich(frame, "not-for-you-body", &[
                    ("client", html! { strong { (view.app_name) } }),
                    ("account", html! { strong { (view.signed_in_as) } }),
                ]))
            }
            p { (frame.text("not-for-you-ask")) }
            @if let Some(back) = view.back_to_app {
                p { a href=(back) { (frame.text("not-for-you-back-to-app")) } }
            }
            p { a href="/" { (frame.text("not-for-you-home")) } }
            form method="post" action="/logout" class="signout" {
                input type="hidden" name="csrf_token" value=(view.csrf_token);
                button type="submit" class="link" { (frame.text("not-for-you-switch")) }
            }
        },
    )
}
