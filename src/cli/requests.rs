//! Turning the `user` and `client` subcommands into the management requests both ends of the
//! control socket understand, asking for a password where one is needed.

use std::io::{BufRead, IsTerminal};

use super::{CliError, ClientCommand, UserCommand, fail};
use crate::app::admin::AdminRequest;

pub(super) fn user_request(command: UserCommand) -> Result<AdminRequest, CliError> {
    Ok(match command {
        UserCommand::Add {
            username,
            name,
            email,
            email_verified,
            admin,
            password_stdin,
        } => AdminRequest::UserAdd {
            password: read_password(password_stdin)?,
            username,
            display_name: name,
            email,
            email_verified,
            admin,
        },
        UserCommand::List => AdminRequest::UserList,
        UserCommand::Show { username } => AdminRequest::UserShow { username },
        UserCommand::Passwd {
            username,
            password_stdin,
            keep_devices,
        } => AdminRequest::UserPasswd {
            password: read_password(password_stdin)?,
            username,
            keep_devices,
        },
        UserCommand::Disable { username } => AdminRequest::UserSetDisabled {
            username,
            disabled: true,
        },
        UserCommand::Enable { username } => AdminRequest::UserSetDisabled {
            username,
            disabled: false,
        },
        UserCommand::Remove { username } => AdminRequest::UserRemove { username },
        UserCommand::Invite(args) => super::links::invite_request(args)?,
        UserCommand::Invites => AdminRequest::LinkList,
        UserCommand::Reset(args) => super::links::reset_request(args),
        UserCommand::Update {
            username,
            name,
            email,
            email_verified,
            no_email_verified,
            admin,
            no_admin,
            disabled,
            enabled,
            password,
            password_stdin,
            keep_devices,
            no_totp,
        } => {
            let flag = |yes: bool, no: bool| (yes || no).then_some(yes);
            let password = match password || password_stdin {
                true => Some(read_password(password_stdin)?),
                false => None,
            };
            AdminRequest::UserUpdate {
                username,
                changes: crate::app::accounts::UserChanges {
                    display_name: name,
                    email,
                    email_verified: flag(email_verified, no_email_verified),
                    admin: flag(admin, no_admin),
                    disabled: flag(disabled, enabled),
                    password,
                    keep_devices,
                    no_totp,
                },
            }
        }
    })
}

pub(super) fn client_request(command: ClientCommand) -> AdminRequest {
    match command {
        ClientCommand::Add {
            client_id,
            confidential,
            settings,
        } => AdminRequest::ClientAdd {
            client_id,
            confidential,
            settings: settings.to_settings(None),
        },
        ClientCommand::List => AdminRequest::ClientList,
        ClientCommand::Show { client_id } => AdminRequest::ClientShow { client_id },
        ClientCommand::Update {
            client_id,
            settings,
            disable,
            enable,
        } => {
            let disabled = if disable {
                Some(true)
            } else if enable {
                Some(false)
            } else {
                None
            };
            AdminRequest::ClientUpdate {
                client_id,
                settings: settings.to_settings(disabled),
            }
        }
        ClientCommand::RotateSecret { client_id } => AdminRequest::ClientRotateSecret { client_id },
        ClientCommand::Remove { client_id } => AdminRequest::ClientRemove { client_id },
    }
}

/// Passwords never come from argv, where other users and shell history could see them.
fn read_password(from_stdin: bool) -> Result<String, CliError> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(fail)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError(
            "there is no terminal to ask for the password on; pipe it in with --password-stdin"
                .into(),
        ));
    }
    let first = rpassword::prompt_password("Password: ").map_err(fail)?;
    let second = rpassword::prompt_password("Repeat password: ").map_err(fail)?;
    if first != second {
        return Err(CliError(
            "the two passwords differ; nothing was changed".into(),
        ));
    }
    Ok(first)
}
