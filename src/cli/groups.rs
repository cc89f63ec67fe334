//! `authbox group …`: the groups that clients' access policies name.

use clap::Subcommand;

use crate::app::admin::AdminRequest;
use crate::app::groups::GroupRequest;

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group. Names are 1 to 64 letters, digits and - _ ., unique ignoring case.
    Create { name: String },
    /// Rename a group; its members and the clients that name it stay as they are.
    Rename { name: String, new_name: String },
    /// Delete a group. Refused while a client's access policy names it: take it out of the
    /// policy first, so that no client silently opens to everyone.
    Delete { name: String },
    /// Add users to a group.
    Add {
        name: String,
        #[arg(required = true, value_name = "USERNAME")]
        usernames: Vec<String>,
    },
    /// Take users out of a group. Their refresh tokens for clients that now refuse them stop
    /// working at the next refresh.
    Remove {
        name: String,
        #[arg(required = true, value_name = "USERNAME")]
        usernames: Vec<String>,
    },
    /// List groups and their members.
    List,
    /// Show one group.
    Show { name: String },
}

pub(super) fn request(command: GroupCommand) -> AdminRequest {
    AdminRequest::Group(match command {
        GroupCommand::Create { name } => GroupRequest::Create { name },
        GroupCommand::Rename { name, new_name } => GroupRequest::Rename { name, new_name },
        GroupCommand::Delete { name } => GroupRequest::Delete { name },
        GroupCommand::Add { name, usernames } => GroupRequest::Add { name, usernames },
        GroupCommand::Remove { name, usernames } => GroupRequest::Remove { name, usernames },
        GroupCommand::List => GroupRequest::List,
        GroupCommand::Show { name } => GroupRequest::Show { name },
    })
}
