//! The manual: authbox(1) and a page for every command, authbox-serve(1), authbox-user-add(1)
//! and so on, as git has git-commit(1). clap_mangen writes each from the command line's own
//! definitions, options with their `AUTHBOX_*` variables and defaults included; this module adds
//! what those cannot say: the environment beyond the options, the files, and the way back up.
//! A page names other pages only among these, so a package that ships them all (`authbox man
//! --dir`) leaves no reference dangling.

use std::path::Path;

use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Inline, Roff, bold, roman};

use super::Cli;
use crate::config::UNIT_DATA_FILE;

pub struct Page {
    /// `authbox-user-add`: the page's title and, with `.1`, its file name.
    pub name: String,
    pub roff: Vec<u8>,
}

/// The command line as the pages describe it: built, so each command knows its full name
/// (`authbox-user-add`), and without clap's `help` command, whose page would repeat `--help`.
fn described() -> clap::Command {
    let mut root = Cli::command().disable_help_subcommand(true);
    root.build();
    root
}

/// authbox(1) first, then every command's page, each parent before its commands.
pub fn all_pages() -> std::io::Result<Vec<Page>> {
    fn collect(
        command: &clap::Command,
        parents: &mut Vec<String>,
        pages: &mut Vec<Page>,
    ) -> std::io::Result<()> {
        pages.push(render(command, parents)?);
        parents.push(page_name(command));
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            collect(sub, parents, pages)?;
        }
        parents.pop();
        Ok(())
    }
    let mut pages = Vec::new();
    collect(&described(), &mut Vec::new(), &mut pages)?;
    Ok(pages)
}

/// The page of the command `path` names (`["user", "add"]`), or authbox(1) for none.
pub fn page(path: &[String]) -> Result<Page, String> {
    let root = described();
    let mut command = &root;
    let mut parents = Vec::new();
    for word in path {
        parents.push(page_name(command));
        command = command
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .find(|s| s.get_name() == word)
            .ok_or_else(|| {
                format!(
                    "'{} {word}' is no command; `authbox --help` lists them",
                    command.get_bin_name().unwrap_or("authbox")
                )
            })?;
    }
    render(command, &parents).map_err(|e| e.to_string())
}

/// Writes every page into `dir` as `NAME.1`.
pub fn write_all(dir: &Path) -> Result<(), String> {
    if !dir.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    for page in all_pages().map_err(|e| e.to_string())? {
        let file = dir.join(format!("{}.1", page.name));
        std::fs::write(&file, &page.roff)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    Ok(())
}

fn page_name(command: &clap::Command) -> String {
    command
        .get_display_name()
        .unwrap_or(command.get_name())
        .to_owned()
}

/// `parents` are the pages above this one, authbox(1) first.
fn render(command: &clap::Command, parents: &[String]) -> std::io::Result<Page> {
    let name = page_name(command);
    let version = command.get_version().unwrap_or_default();
    // The version is in the title line; without it clap_mangen adds no VERSION section after
    // the ones below.
    let man = Man::new(command.clone().version(None::<&'static str>))
        .title(name.as_str())
        .source(format!("authbox {version}"))
        .manual("authbox manual");
    let mut out = Vec::new();
    man.render(&mut out)?;
    let mut roff = Roff::default();
    let is_server = matches!(command.get_name(), "serve" | "check");
    if parents.is_empty() || is_server {
        environment(&mut roff, parents.is_empty());
    }
    if parents.is_empty() {
        files(&mut roff);
    }
    if !parents.is_empty() {
        roff.control("SH", ["SEE ALSO"]);
        let mut line: Vec<Inline> = Vec::new();
        for (i, parent) in parents.iter().rev().enumerate() {
            if i > 0 {
                line.push(roman(", "));
            }
            line.push(bold(parent.as_str()));
            line.push(roman("(1)"));
        }
        roff.text(line);
    }
    // Every rendering starts with the same preamble (it defines the apostrophe); the page
    // above has it already.
    let preamble = Roff::default().render();
    let sections = roff.render();
    out.extend_from_slice(
        sections
            .strip_prefix(&preamble)
            .unwrap_or(&sections)
            .as_bytes(),
    );
    Ok(Page { name, roff: out })
}

fn entry(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(term)]);
    roff.text([roman(text)]);
}

fn environment(roff: &mut Roff, top: bool) {
    roff.control("SH", ["ENVIRONMENT"]);
    let options = if top {
        "An option that names an environment variable reads it when the option is not given. \
         The server's settings are the options of authbox-serve(1); the Debian package keeps \
         them in /etc/default/authbox."
    } else {
        "Each option above that names an environment variable reads it when the option is not \
         given; the Debian package keeps them in /etc/default/authbox, where the service reads \
         them."
    };
    roff.text([roman(options)]);
    entry(
        roff,
        "AUTHBOX_LOG",
        "Which log lines to write to standard error, in the syntax of tracing's EnvFilter, \
         e.g. info, debug or authbox=debug. The default is info for serve and warn for the \
         other commands. Every request is logged at info under the target authbox::access; \
         info,authbox::access=off silences it.",
    );
}

fn files(roff: &mut Roff) {
    roff.control("SH", ["FILES"]);
    entry(
        roff,
        "/etc/default/authbox",
        &format!(
            "The packaged service's settings, which its systemd unit reads as an \
             EnvironmentFile. Run as root, with neither --data nor AUTHBOX_DATA, a command that \
             works on the data file (all but serve, demo, completions and man) uses the \
             service's: AUTHBOX_DATA from this file, or else {UNIT_DATA_FILE}. It then also \
             takes the service's lifetimes and budgets from this file, for when no server runs, \
             and check takes every setting in it. Options and environment variables given to the \
             command still take precedence."
        ),
    );
    entry(
        roff,
        UNIT_DATA_FILE,
        "The packaged service's data file. While the server runs, commands reach it through \
         its control socket beside the file, authbox.redb.sock.",
    );
}
