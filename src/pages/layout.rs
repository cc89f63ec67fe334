//! The frame every page shares.

use maud::{DOCTYPE, Markup, html};

use crate::assets::stylesheet_path;

pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · authbox" }
                link rel="stylesheet" href=(stylesheet_path());
            }
            body {
                main { div class="card" { (body) } }
            }
        }
    }
}
