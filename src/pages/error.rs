//! The page a browser sees when something cannot be done.

use maud::{Markup, html};

use super::layout::{Frame, page};

pub struct ErrorView<'a> {
    pub title: &'a str,
    pub message: &'a str,
}

pub fn error_page(frame: &Frame, view: &ErrorView<'_>) -> Markup {
    page(
        frame,
        view.title,
        html! {
            h1 { (view.title) }
            p { (view.message) }
            p { a href="/" { (frame.text("go-home")) } }
        },
    )
}
