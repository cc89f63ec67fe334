//! The pairing page a TV backend can show or embed as it is: the code in large type, a QR code
//! of `verification_uri_complete`, and the address to type.

use maud::{Markup, html};
use qrcode::{Color, QrCode};

use super::layout::{Frame, page};

pub struct Pairing<'a> {
    pub user_code: &'a str,
    pub verification_uri: &'a str,
    pub verification_uri_complete: &'a str,
}

/// The QR code as SVG elements (one path, with a quiet zone of four modules), described by
/// `label` for screen readers; `None` if the text does not fit a QR code.
pub fn qr_svg(text: &str, label: &str) -> Option<Markup> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            path.push_str(&format!("M{},{}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    let size = width + 8;
    Some(html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {size} {size}")) class="qr"
            role="img" aria-label=(label) shape-rendering="crispEdges" {
            rect width=(size) height=(size) fill="#fff" {}
            path d=(path) fill="#000" {}
        }
    })
}

/// A URL that a narrow screen may wrap only after `//`, a `/` or a `.`, never inside a word.
fn breakable_url(url: &str) -> Markup {
    html! {
        @for (i, piece) in url.split_inclusive(['/', '.']).enumerate() {
            @if i > 0 { wbr; }
            (piece)
        }
    }
}

pub fn pairing(frame: &Frame, view: &Pairing<'_>) -> Markup {
    let title = frame.text("pairing-title");
    let qr_label = frame.text("pairing-qr-label");
    page(
        frame,
        &title,
        html! {
            div class="pairing" {
                div class="pair-steps" {
                    h1 { (title) }
                    p { (frame.text("pairing-go-to")) }
                    p class="pair-url" { strong { (breakable_url(view.verification_uri)) } }
                    p { (frame.text("pairing-and-enter")) }
                    p class="pair-code code" { (view.user_code) }
                }
                @if let Some(qr) = qr_svg(view.verification_uri_complete, &qr_label) {
                    div class="pair-qr" { (qr) }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_svg_is_square_with_a_quiet_zone() {
        let svg = qr_svg("http://localhost:8080/device?user_code=WDJB-MJHT", "QR")
            .unwrap()
            .into_string();
        let view_box = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap();
        let (w, h) = view_box.split_once(' ').unwrap();
        assert_eq!(w, h, "square");
        // Versions grow by 4 modules from 21; the quiet zone adds 8.
        assert_eq!((w.parse::<usize>().unwrap() - 8 - 21) % 4, 0);
        assert!(
            svg.contains("M4,4h1v1h-1z"),
            "the finder pattern starts inside the quiet zone"
        );
    }
}
