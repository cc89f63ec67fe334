//! The layering of STYLE.md, checked on the sources: only `http` knows actix, only `store`
//! knows redb, only `crypto` knows ring, and `domain` and `pages` know none of them.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The crates a file names in a path (`actix_web::…`, `redb::…`, `ring::…`).
fn crates_used(source: &str) -> Vec<&'static str> {
    let mut used = Vec::new();
    for (krate, needles) in [
        (
            "actix",
            &[
                "actix_web::",
                "actix_http::",
                "actix_rt::",
                "actix_server::",
                "actix_service::",
                "actix_tls::",
            ][..],
        ),
        ("redb", &["redb::"][..]),
        ("ring", &["ring::"][..]),
    ] {
        let mut code_lines = source
            .lines()
            .map(|line| line.split("//").next().unwrap_or_default());
        let hit = code_lines.any(|line| {
            needles.iter().any(|needle| {
                line.match_indices(needle).any(|(at, _)| {
                    // A whole path segment, not the tail of another name such as `my_redb::`.
                    at == 0
                        || !line.as_bytes()[at - 1].is_ascii_alphanumeric()
                            && line.as_bytes()[at - 1] != b'_'
                })
            })
        });
        if hit {
            used.push(krate);
        }
    }
    used
}

#[test]
fn each_outside_crate_is_used_by_its_one_module_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for file in rust_files(&src) {
        let relative = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .into_owned();
        let source = std::fs::read_to_string(&file).expect("read source");
        for krate in crates_used(&source) {
            let allowed = match krate {
                "actix" => relative.starts_with("http/"),
                "redb" => relative.starts_with("store/"),
                "ring" => relative.starts_with("crypto/"),
                _ => false,
            };
            if !allowed {
                violations.push(format!("{relative} uses {krate}"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering broken:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_checker_sees_a_violation() {
    assert_eq!(crates_used("use redb::Database;"), vec!["redb"]);
    assert_eq!(
        crates_used("let x = actix_web::web::Data::new(1);"),
        vec!["actix"]
    );
    assert!(crates_used("use crate::my_redb::x; // ring:: in a comment").is_empty());
}
