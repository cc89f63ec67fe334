//! How management results look: aligned tables for people, JSON for scripts.

use std::io::IsTerminal;

use crate::app::account_links::LinkView;
use crate::app::accounts::SignInsEnded;
use crate::app::admin::{AdminResponse, ClientView, KeyView, StatusView, UserView};
use crate::app::groups::GroupView;

pub fn print(response: &AdminResponse, json: bool) {
    if json {
        match serde_json::to_string_pretty(response) {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("authbox: cannot print JSON: {e}"),
        }
        return;
    }
    print!("{}", render(response));
}

fn render(response: &AdminResponse) -> String {
    match response {
        AdminResponse::User { user, ended } => {
            let mut text = user_details(user);
            if let Some(ended) = ended {
                text.push_str(&ended_line(ended));
            }
            text
        }
        AdminResponse::Users { users } => table(
            &[
                "USERNAME", "NAME", "EMAIL", "ADMIN", "DISABLED", "INVITED", "SUB",
            ],
            users.iter().map(|u| {
                vec![
                    u.username.clone(),
                    u.name.clone().unwrap_or_default(),
                    u.email.clone().unwrap_or_default(),
                    yes_no(u.admin),
                    yes_no(u.disabled),
                    yes_no(u.invited),
                    u.sub.clone(),
                ]
            }),
        ),
        AdminResponse::Link { link, url } => render_link(link, url),
        AdminResponse::Links { links } => links_table(links),
        AdminResponse::Client { client, secret } => {
            let mut text = client_details(client);
            if let Some(secret) = secret {
                text.push_str(&format!(
                    "client_secret:   {secret}\n\nThe secret is shown only now: store it in the client's configuration.\n"
                ));
            }
            text
        }
        AdminResponse::Clients { clients } => table(
            &[
                "CLIENT_ID",
                "TYPE",
                "GRANTS",
                "SCOPES",
                "DISABLED",
                "ALLOWED",
                "NAME",
            ],
            clients.iter().map(|c| {
                vec![
                    c.client_id.clone(),
                    c.client_type.clone(),
                    c.grants.join(","),
                    c.scopes.clone(),
                    yes_no(c.disabled),
                    allowed(&c.allowed_groups, ","),
                    c.name.clone(),
                ]
            }),
        ),
        AdminResponse::Group { group } => group_details(group),
        AdminResponse::Groups { groups } => table(
            &["GROUP", "MEMBERS", "ID"],
            groups
                .iter()
                .map(|g| vec![g.name.clone(), g.members.join(","), g.id.clone()]),
        ),
        AdminResponse::Keys { keys } => key_table(keys),
        AdminResponse::Grants { grants } => table(
            &[
                "ID",
                "STATE",
                "CLIENT",
                "USER",
                "SUB",
                "APPROVED",
                "LAST_USED",
                "FROM",
                "SCOPES",
            ],
            grants.iter().map(|g| {
                vec![
                    g.id.clone(),
                    g.state.clone(),
                    g.client_id.clone(),
                    g.username.clone().unwrap_or_default(),
                    g.sub.clone(),
                    utc(g.approved_at),
                    utc(g.last_used_at),
                    g.from.clone().unwrap_or_default(),
                    g.scopes.clone(),
                ]
            }),
        ),
        AdminResponse::Status { status } => status_details(status),
        AdminResponse::Unlocked { lifted } => match lifted {
            0 => "nothing was held back\n".into(),
            1 => "lifted 1 pause\n".into(),
            n => format!("lifted {n} pauses\n"),
        },
        AdminResponse::Snapshot { path, tables, rows } => details(&[
            ("snapshot", path.clone()),
            ("tables", tables.to_string()),
            ("rows", rows.to_string()),
        ]),
        AdminResponse::Audit { events } => table(
            &[
                "TIME", "EVENT", "USER", "SUBJECT", "CLIENT", "ADDRESS", "DETAIL",
            ],
            events.iter().map(|e| {
                vec![
                    utc(e.at_ms / 1000),
                    e.event.clone(),
                    e.username.clone().unwrap_or_default(),
                    e.subject.clone().unwrap_or_default(),
                    e.client_id.clone().unwrap_or_default(),
                    e.address.clone().unwrap_or_default(),
                    e.detail.clone().unwrap_or_default(),
                ]
            }),
        ),
    }
}

/// A client's access policy: the groups it allows, or everyone.
fn allowed(groups: &[String], separator: &str) -> String {
    if groups.is_empty() {
        "everyone".into()
    } else {
        groups.join(separator)
    }
}

fn group_details(g: &GroupView) -> String {
    details(&[
        ("group", g.name.clone()),
        ("id", g.id.clone()),
        ("members", g.members.join(" ")),
        ("created", utc(g.created_at)),
    ])
}

/// What an account change ended, in one sentence.
fn ended_line(ended: &SignInsEnded) -> String {
    let count = |n: u64, one: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {one}s"),
    };
    let mut text = format!(
        "\nEnded {} and {}",
        count(ended.browser_sessions, "browser session"),
        count(ended.device_grants, "device grant"),
    );
    text.push_str(match ended.access_tokens {
        true => "; every access token of theirs stopped working.\n",
        false => "; their devices stay signed in.\n",
    });
    text
}

/// A new link: what to do with it, the link, and its QR code for a phone to scan.
fn render_link(link: &LinkView, url: &str) -> String {
    let what = match link.kind.as_str() {
        "invitation" => format!(
            "Invited {}. Give them this link; it lets them choose a password and sign in",
            link.username
        ),
        _ => format!(
            "A recovery link for {}. It lets them choose a new password and sign in",
            link.username
        ),
    };
    let color =
        std::io::stdout().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
    let mut text = format!(
        "{what} (once, until {} UTC):\n\n  {url}\n\n",
        utc(link.expires_at)
    );
    if let Some(qr) = crate::terminal_qr::terminal_qr(url, color) {
        text.push_str(&format!("or let them scan it:\n{qr}\n\n"));
    }
    text.push_str(&format!(
        "The link is shown only now. `authbox user invite --revoke {}` withdraws it.\n",
        link.id
    ));
    text
}

fn links_table(links: &[LinkView]) -> String {
    table(
        &["ID", "USERNAME", "KIND", "STATE", "EXPIRES"],
        links.iter().map(|l| {
            vec![
                l.id.clone(),
                l.username.clone(),
                l.kind.clone(),
                l.state.clone(),
                utc(l.expires_at),
            ]
        }),
    )
}

fn yes_no(flag: bool) -> String {
    if flag { "yes".into() } else { "no".into() }
}

/// Columns padded to their widest cell; the last column is not padded.
fn table(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_row: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    for row in std::iter::once(&header_row).chain(&rows) {
        let last = row.len().saturating_sub(1);
        for (i, cell) in row.iter().enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            }
        }
        out.push('\n');
    }
    out
}

/// A flat JSON object's members as `key: value` lines (nulls left out).
pub fn key_values(object: &serde_json::Value) -> String {
    let pairs: Vec<(&str, String)> = object
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = v
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| v.to_string());
            (k.as_str(), text)
        })
        .collect();
    details(&pairs)
}

fn details(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{:<16} {v}\n", format!("{k}:")))
        .collect()
}

fn user_details(u: &UserView) -> String {
    details(&[
        ("username", u.username.clone()),
        ("sub", u.sub.clone()),
        ("name", u.name.clone().unwrap_or_default()),
        ("email", u.email.clone().unwrap_or_default()),
        ("email_verified", yes_no(u.email_verified)),
        ("admin", yes_no(u.admin)),
        ("disabled", yes_no(u.disabled)),
        ("groups", u.groups.join(" ")),
        ("invited", yes_no(u.invited)),
        ("totp", yes_no(u.totp)),
        ("created", utc(u.created_at)),
        ("updated", utc(u.updated_at)),
    ])
}

fn client_details(c: &ClientView) -> String {
    let secs = |s: Option<u64>| {
        s.map(|s| format!("{s}s"))
            .unwrap_or_else(|| "server default".into())
    };
    details(&[
        ("client_id", c.client_id.clone()),
        ("name", c.name.clone()),
        ("type", c.client_type.clone()),
        ("grants", c.grants.join(" ")),
        ("scopes", c.scopes.clone()),
        ("redirect_uris", c.redirect_uris.join(" ")),
        (
            "post_logout_redirect_uris",
            c.post_logout_redirect_uris.join(" "),
        ),
        ("access_token", secs(c.access_token_ttl_secs)),
        ("refresh_idle", secs(c.refresh_idle_ttl_secs)),
        ("refresh_max", secs(c.refresh_max_ttl_secs)),
        (
            "id_token_alg",
            c.id_token_alg
                .clone()
                .unwrap_or_else(|| "RS256 (default)".into()),
        ),
        (
            "access_alg",
            c.access_token_alg
                .clone()
                .unwrap_or_else(|| "ES256 (default)".into()),
        ),
        ("disabled", yes_no(c.disabled)),
        ("may_introspect", yes_no(c.may_introspect)),
        ("web_origins", c.web_origins.join(" ")),
        ("allowed_groups", allowed(&c.allowed_groups, " ")),
        (
            "device_scope_cap",
            c.device_scope_cap
                .clone()
                .unwrap_or_else(|| "none (the client's scopes)".into()),
        ),
        ("created", utc(c.created_at)),
    ])
}

fn key_table(keys: &[KeyView]) -> String {
    table(
        &[
            "KID",
            "ALG",
            "STATE",
            "CREATED",
            "SIGNS_FROM",
            "PUBLISHED_UNTIL",
        ],
        keys.iter().map(|k| {
            vec![
                k.kid.clone(),
                k.alg.clone(),
                k.state.clone(),
                utc(k.created_at),
                k.signs_from.map(utc).unwrap_or_default(),
                k.published_until.map(utc).unwrap_or_default(),
            ]
        }),
    )
}

fn status_details(s: &StatusView) -> String {
    details(&[
        ("data_file", s.data_file.clone()),
        ("schema", s.schema_version.to_string()),
        ("users", s.users.to_string()),
        ("clients", s.clients.to_string()),
        ("signing_keys", s.signing_keys.to_string()),
        ("expiring_rows", s.expiring_rows.to_string()),
    ]) + "ok\n"
}

/// `YYYY-MM-DD HH:MM:SS UTC` from Unix seconds, by the civil-from-days algorithm.
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_795_305_600), "2026-11-22 00:00:00 UTC");
    }

    #[test]
    fn tables_align_columns() {
        let text = table(
            &["A", "BB"],
            vec![vec!["xyz".into(), "1".into()]].into_iter(),
        );
        assert_eq!(text, "A    BB\nxyz  1\n");
    }
}
