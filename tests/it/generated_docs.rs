//! `authbox completions SHELL` and `authbox man` come from the same definitions as the command
//! line itself, so they cannot fall out of step with it.

use std::collections::BTreeSet;

use clap::CommandFactory;

use crate::support::binary::command;

fn stdout_of(args: &[&str]) -> String {
    let output = command().args(args).output().expect("run authbox");
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn completions_cover_every_command_and_flag() {
    let bash = stdout_of(&["completions", "bash"]);
    for word in [
        "serve",
        "client",
        "grant",
        "--redirect-uri",
        "--post-logout-redirect-uri",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        assert!(
            stdout_of(&["completions", shell]).contains("authbox"),
            "{shell}"
        );
    }
    let unknown = command()
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("possible values"));
}

#[test]
fn the_man_page_is_roff_with_the_commands() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH authbox 1"), "{page}");
    assert!(page.contains("device authorization grant"));
    for command in ["serve", "client", "completions"] {
        assert!(page.contains(command), "the page lists {command}");
    }
}

/// `authbox-user-add` for `user add`: every command the command line has, hidden ones aside.
fn page_names() -> BTreeSet<String> {
    fn walk(command: &clap::Command, name: String, names: &mut BTreeSet<String>) {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, format!("{name}-{}", sub.get_name()), names);
        }
        names.insert(name);
    }
    let mut names = BTreeSet::new();
    walk(&authbox::cli::Cli::command(), "authbox".into(), &mut names);
    names
}

/// The pages a roff page names, as `authbox-serve(1)`, undoing roff's escapes and fonts.
fn pages_named_in(roff: &str) -> BTreeSet<String> {
    let text = roff
        .replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fR", "")
        .replace("\\fI", "");
    let mut named = BTreeSet::new();
    for (at, _) in text.match_indices("authbox") {
        let name: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        if text[at + name.len()..].starts_with("(1)") {
            named.insert(name);
        }
    }
    named
}

/// What the package ships (packaging/build-deb): one page per command, each naming only pages
/// among them, and `authbox man COMMAND` prints the same page.
#[test]
fn every_command_has_a_page_and_every_page_named_is_one_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    assert_eq!(stdout_of(&["man", "--dir", dir_arg]), "");
    let mut written = BTreeSet::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let name = file.strip_suffix(".1").expect("section 1 pages only");
        let page = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        assert!(page.contains(&format!(".TH {name} 1 ")), "{file}: {page}");
        for named in pages_named_in(&page) {
            assert!(
                page_names().contains(&named),
                "{file} names {named}(1), which is not generated"
            );
        }
        written.insert(name.to_owned());
    }
    assert_eq!(written, page_names());
    assert!(
        !written.contains("authbox-help"),
        "clap's help command needs no page"
    );

    let user_add = std::fs::read_to_string(dir.path().join("authbox-user-add.1")).unwrap();
    assert_eq!(stdout_of(&["man", "user", "add"]), user_add);
    assert!(user_add.contains("SEE ALSO"));
    assert!(pages_named_in(&user_add).contains("authbox-user"));
    let refused = command().args(["man", "user", "nope"]).output().unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("is no command"));
}

/// The server's settings, with their variables, are in authbox-serve(1), which is where
/// authbox(1) sends the reader; the packaged install's defaults file is in authbox(1).
#[test]
fn the_serve_page_documents_every_setting_and_its_variable() {
    let serve = stdout_of(&["man", "serve"]).replace("\\-", "-");
    let env_file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/packaging/authbox.env"
    ))
    .unwrap();
    for line in env_file.lines().filter_map(|l| l.strip_prefix('#')) {
        let Some((variable, _)) = line.split_once('=') else {
            continue;
        };
        if variable.starts_with("AUTHBOX_") {
            assert!(
                serve.contains(variable),
                "authbox-serve(1) lacks {variable}"
            );
        }
    }
    for flag in ["--listen", "--issuer", "--tls-cert", "--access-token-ttl"] {
        assert!(serve.contains(flag), "authbox-serve(1) lacks {flag}");
    }
    let top = stdout_of(&["man"]).replace("\\-", "-");
    assert!(pages_named_in(&top).contains("authbox-serve"));
    assert!(top.contains("/etc/default/authbox"));
    assert!(top.contains("/var/lib/authbox/authbox.redb"));
}
