//! `authbox completions SHELL` and `authbox man` come from the same definitions as the command
//! line itself, so they cannot fall out of step with it.

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
