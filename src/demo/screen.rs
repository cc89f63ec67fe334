//! What the demo owns on this machine: its throwaway data directory and the terminal it
//! draws the TV's screen on.

use std::io::{IsTerminal, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;

use super::{DemoError, setup};
use crate::crypto::random;

/// The demo's data directory (mode 0700, a random name under the system's temporary
/// directory). Dropping it removes it, so an early return cleans up too.
pub(super) struct Scratch {
    pub(super) path: PathBuf,
    removed: bool,
}

impl Scratch {
    pub(super) fn create() -> Result<Scratch, DemoError> {
        let suffix = random::random_name_suffix().map_err(setup)?;
        let path = std::env::temp_dir().join(format!("authbox-demo-{suffix}"));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|e| setup(format!("cannot create {}: {e}", path.display())))?;
        Ok(Scratch {
            path,
            removed: false,
        })
    }

    pub(super) fn remove(mut self) -> std::io::Result<()> {
        self.removed = true;
        std::fs::remove_dir_all(&self.path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.removed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Standard output, the TV's screen. A reader that went away is no reason to stop the demo
/// (or to panic, as `println!` would).
pub(super) struct Screen {
    /// Colours only for a terminal: they draw the QR code dark on light whatever its theme.
    color: bool,
}

impl Screen {
    pub(super) fn new() -> Screen {
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Screen {
            color: std::io::stdout().is_terminal() && !dumb,
        }
    }

    pub(super) fn line(&self, text: impl AsRef<str>) {
        self.text(text.as_ref());
    }

    /// `text` and a line break; several lines at once are fine.
    pub(super) fn text(&self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    pub(super) fn bold(&self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// `text` as a QR code for this terminal.
    pub(super) fn qr(&self, text: &str) -> Option<String> {
        crate::terminal_qr::terminal_qr(text, self.color)
    }
}
