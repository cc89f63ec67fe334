//! The documented settings are the real ones: every `AUTHBOX_*` variable the code reads is in
//! `packaging/authbox.env` and the README, with the same default, and neither lists one that
//! does not exist.

use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// `AUTHBOX_X` names in `text`, each followed by its default where the text gives one.
fn variables(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in text.match_indices("AUTHBOX_") {
        let name: String = text[at..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        if name.len() > "AUTHBOX_".len() && !name.ends_with('_') {
            names.insert(name);
        }
    }
    names
}

fn code_variables() -> BTreeSet<String> {
    let mut names = variables(&read("src/config.rs"));
    names.extend(variables(&read("src/cli/mod.rs")));
    names.extend(variables(&read("src/main.rs")));
    names
}

#[test]
fn the_env_file_lists_every_setting_with_its_default() {
    let env_file = read("packaging/authbox.env");
    assert_eq!(variables(&env_file), code_variables());
    // Each default in the env file is the one `--help` shows.
    let help = crate::support::binary::command()
        .args(["serve", "--help"])
        .output()
        .expect("help");
    let help = String::from_utf8_lossy(&help.stdout).replace(['\n', ' '], "");
    for line in env_file
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter(|l| l.starts_with("AUTHBOX_"))
    {
        let (name, default) = line.split_once('=').expect("NAME=default");
        if matches!(name, "AUTHBOX_LOG" | "AUTHBOX_DATA") {
            continue;
        }
        if default.is_empty() {
            assert!(
                help.contains(&format!("[env:{name}=]")),
                "{name} is not in --help"
            );
            continue;
        }
        assert!(
            help.contains(&format!("[env:{name}=][default:{default}]"))
                || help.contains(&format!("[default:{default}][env:{name}=]")),
            "{name}={default} disagrees with --help"
        );
    }
}

/// Read by the test suite, not by authbox; the README explains each next to its test command.
const TEST_HARNESS_VARIABLES: [&str; 9] = [
    "AUTHBOX_REQUIRE_BROWSER",
    "AUTHBOX_BAD_INPUT_CASES",
    "AUTHBOX_BAD_INPUT_SEED",
    "AUTHBOX_SLOW_CLIENTS",
    "AUTHBOX_CRASH_CYCLES",
    "AUTHBOX_CRASH_SEED",
    "AUTHBOX_EXACTLY_ONCE_ROUNDS",
    "AUTHBOX_EXACTLY_ONCE_BINARY",
    "AUTHBOX_EXACTLY_ONCE_BINARY_ROUNDS",
];

#[test]
fn the_readme_documents_every_setting() {
    let mut documented = variables(&read("README.md"));
    documented.retain(|name| !TEST_HARNESS_VARIABLES.contains(&name.as_str()));
    assert_eq!(documented, code_variables());
}
