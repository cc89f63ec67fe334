//! `authbox user invite`, `user invites` and `user reset`: one-time links that let a person
//! choose their own password on their phone, shown as a link and a QR code. No e-mail needed.

use std::time::Duration;

use clap::Args;

use super::CliError;
use crate::app::account_links::Invitation;
use crate::app::admin::AdminRequest;
use crate::config::parse_duration;

#[derive(Debug, Clone, Args)]
pub struct InviteArgs {
    /// The new account's username; it is reserved at once.
    #[arg(required_unless_present_any = ["list", "revoke"])]
    pub username: Option<String>,
    /// The name shown to the person and to applications.
    #[arg(long, conflicts_with_all = ["list", "revoke"])]
    pub name: Option<String>,
    #[arg(long, conflicts_with_all = ["list", "revoke"])]
    pub email: Option<String>,
    /// Allow this user to administer authbox.
    #[arg(long, conflicts_with_all = ["list", "revoke"])]
    pub admin: bool,
    /// A group the person joins at once (repeat for several); it must exist.
    #[arg(long = "group", value_name = "GROUP", conflicts_with_all = ["list", "revoke"])]
    pub groups: Vec<String>,
    /// How long the link works (e.g. 30m, 72h, 7d; at most 30d).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION", default_value = "72h")]
    pub ttl: Duration,
    /// List invitations and recovery links instead (as `authbox user invites`).
    #[arg(long, conflicts_with = "revoke")]
    pub list: bool,
    /// Revoke the live link with this ID (from the list) instead.
    #[arg(long, value_name = "ID")]
    pub revoke: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ResetArgs {
    pub username: String,
    /// Keep the person's devices signed in when the link is used; browser sessions end all
    /// the same.
    #[arg(long)]
    pub keep_devices: bool,
    /// How long the link works (e.g. 30m, 72h, 7d; at most 30d).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION", default_value = "72h")]
    pub ttl: Duration,
}

pub(super) fn invite_request(args: InviteArgs) -> Result<AdminRequest, CliError> {
    if args.list {
        return Ok(AdminRequest::LinkList);
    }
    if let Some(id) = args.revoke {
        return Ok(AdminRequest::LinkRevoke { id });
    }
    let username = args
        .username
        .ok_or_else(|| CliError("name the user to invite".into()))?;
    Ok(AdminRequest::UserInvite {
        invitation: Invitation {
            username,
            display_name: args.name,
            email: args.email,
            admin: args.admin,
            ttl_secs: Some(args.ttl.as_secs()),
            groups: args.groups,
        },
    })
}

pub(super) fn reset_request(args: ResetArgs) -> AdminRequest {
    AdminRequest::UserReset {
        username: args.username,
        keep_devices: args.keep_devices,
        ttl_secs: Some(args.ttl.as_secs()),
    }
}
