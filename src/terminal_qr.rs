//! QR codes drawn on a terminal, for `authbox demo` (the TV's screen) and `authbox user
//! invite`/`reset` (a link to scan with a phone).

use qrcode::render::unicode::Dense1x2;
use qrcode::{EcLevel, QrCode};

/// `text` as a QR code of Unicode half blocks, two modules per character cell, with the
/// standard four-module light quiet zone, each row indented two spaces. With `color`, the
/// rows are drawn black on bright white, so the code reads whatever the terminal's theme.
pub fn terminal_qr(text: &str, color: bool) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).ok()?;
    let art = code.render::<Dense1x2>().quiet_zone(true).build();
    let rows: Vec<String> = art
        .lines()
        .map(|row| match color {
            true => format!("  \x1b[30;107m{row}\x1b[0m"),
            false => format!("  {row}"),
        })
        .collect();
    Some(rows.join("\n"))
}
