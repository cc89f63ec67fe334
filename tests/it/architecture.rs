//! The layering of STYLE.md, checked on the sources: only `http` knows actix, only `store`
//! knows redb, only `crypto` knows ring, and `domain` and `pages` know none of them; our own
//! modules import one another only in the picture's direction; no two files import each other
//! round a cycle; and no source file outgrows the 600-line budget.

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

/// A source file's module path under `src/`: `http/login.rs` is `["http", "login"]`,
/// `store/records/mod.rs` is `["store", "records"]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut path: Vec<String> = relative
        .with_extension("")
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    if path
        .last()
        .is_some_and(|last| last == "mod" || last == "lib" || last == "main")
    {
        path.pop();
    }
    path
}

/// The source without comments and without its `#[cfg(test)] mod tests`.
fn code_of(source: &str) -> String {
    let code: Vec<&str> = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect();
    let code = code.join("\n");
    match code.find("#[cfg(test)]\nmod tests") {
        Some(at) => code[..at].to_owned(),
        None => code,
    }
}

/// The paths a file names through `crate::`, `super::` or `self::`, resolved to module paths
/// (with whatever item follows; the caller matches them against known modules). A `{…}` group
/// adds each of its first segments.
fn paths_named(module: &[String], code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    for head in ["crate::", "super::", "self::"] {
        for (at, _) in code.match_indices(head) {
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            let mut base: Vec<String> = match head {
                "crate::" => Vec::new(),
                "self::" => module.to_vec(),
                _ => module[..module.len().saturating_sub(1)].to_vec(),
            };
            let mut rest = &code[at + head.len()..];
            while let Some(after) = rest.strip_prefix("super::") {
                base.pop();
                rest = after;
            }
            let mut segments = base;
            loop {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                if end == 0 {
                    break;
                }
                segments.push(rest[..end].to_owned());
                rest = &rest[end..];
                match rest.strip_prefix("::") {
                    Some(after) => rest = after.trim_start(),
                    None => break,
                }
            }
            if let Some(group) = rest.strip_prefix('{') {
                let group = group.split('}').next().unwrap_or_default();
                for item in group.split(',') {
                    let first = item.trim().split("::").next().unwrap_or_default().trim();
                    if !first.is_empty() {
                        let mut path = segments.clone();
                        path.push(first.to_owned());
                        found.push(path);
                    }
                }
            }
            found.push(segments);
        }
    }
    found
}

/// Every source file's module path and the modules (files) it imports, besides its own
/// ancestors: a file may always use what its parent module declares.
fn import_graph() -> Vec<(Vec<String>, String, Vec<Vec<String>>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files: Vec<(Vec<String>, String)> = rust_files(&src)
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(&src).expect("under src").to_path_buf();
            let source = std::fs::read_to_string(&file).expect("read source");
            (module_path(&relative), code_of(&source))
        })
        .collect();
    let known: Vec<&Vec<String>> = files.iter().map(|(module, _)| module).collect();
    files
        .iter()
        .map(|(module, code)| {
            let mut imports: Vec<Vec<String>> = Vec::new();
            for path in paths_named(module, code) {
                let target = (1..=path.len())
                    .rev()
                    .map(|n| path[..n].to_vec())
                    .find(|prefix| known.contains(&prefix));
                let Some(target) = target else { continue };
                if module.starts_with(&target) || imports.contains(&target) {
                    continue;
                }
                imports.push(target);
            }
            (module.clone(), module.join("/"), imports)
        })
        .collect()
}

/// Which of our modules each layer may import, besides itself (STYLE.md, "The shape").
fn may_import(layer: &str, other: &str) -> bool {
    match layer {
        "domain" | "i18n" => false,
        "pages" => matches!(other, "assets" | "i18n"),
        "store" | "crypto" => !matches!(other, "app" | "http" | "pages" | "config"),
        "config" => other != "http",
        "app" => !matches!(other, "http" | "pages"),
        _ => true,
    }
}

#[test]
fn our_modules_import_one_another_in_the_pictures_direction() {
    let mut violations = Vec::new();
    for (module, name, imports) in import_graph() {
        let Some(layer) = module.first() else {
            continue;
        };
        for import in imports {
            let Some(other) = import.first() else {
                continue;
            };
            if other != layer && !may_import(layer, other) {
                violations.push(format!("{name} imports {}", import.join("::")));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "against STYLE.md's picture:\n{}",
        violations.join("\n")
    );
}

#[test]
fn no_files_import_one_another_round_a_cycle() {
    let graph = import_graph();
    let index = |module: &Vec<String>| graph.iter().position(|(m, _, _)| m == module);
    let edges: Vec<Vec<usize>> = graph
        .iter()
        .map(|(_, _, imports)| imports.iter().filter_map(index).collect())
        .collect();
    // A file is on a cycle when it reaches itself.
    let mut cycles = Vec::new();
    for start in 0..graph.len() {
        let mut seen = vec![false; graph.len()];
        let mut stack: Vec<usize> = edges[start].clone();
        while let Some(next) = stack.pop() {
            if next == start {
                cycles.push(graph[start].1.clone());
                break;
            }
            if !std::mem::replace(&mut seen[next], true) {
                stack.extend(&edges[next]);
            }
        }
    }
    assert!(cycles.is_empty(), "files on an import cycle: {cycles:?}");
}

#[test]
fn the_direction_checker_sees_imports() {
    let module = vec!["store".to_owned(), "refresh".to_owned()];
    let paths = paths_named(
        &module,
        "use super::{expiry::index_expiry, tables};\nlet x = crate::app::App::new();",
    );
    assert!(paths.contains(&vec!["store".to_owned(), "expiry".to_owned()]));
    assert!(paths.contains(&vec!["store".to_owned(), "tables".to_owned()]));
    assert!(paths.iter().any(|p| p.starts_with(&["app".to_owned()])));
    assert!(!may_import("domain", "store"));
    assert!(!may_import("config", "http"));
    assert!(may_import("http", "app"));
    assert!(may_import("pages", "i18n"));
    assert!(!may_import("i18n", "pages"));
}

/// STYLE.md principle 14: a file longer than this is two files.
const LINE_BUDGET: usize = 600;

#[test]
fn no_source_file_is_over_the_line_budget() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let long: Vec<String> = rust_files(&src)
        .into_iter()
        .filter_map(|file| {
            let lines = std::fs::read_to_string(&file)
                .expect("read source")
                .lines()
                .count();
            (lines > LINE_BUDGET).then(|| format!("{} ({lines} lines)", file.display()))
        })
        .collect();
    assert!(long.is_empty(), "over {LINE_BUDGET} lines: {long:?}");
}
