//! What management responses show of groups: `authbox group …` answered, and a person's groups
//! and a client's policy (by group name) filled into the user and client views.

use super::admin::AdminResponse;
use super::admin_views::{ClientView, UserView};
use super::groups::{GroupRequest, GroupView};
use super::{App, AppError};
use crate::domain::group::Group;
use crate::domain::user::Subject;

impl App {
    fn group_view(&self, group: &Group) -> Result<GroupView, AppError> {
        let mut members: Vec<String> = self
            .users()?
            .into_iter()
            .filter(|u| group.has_member(&u.sub))
            .map(|u| u.username.to_string())
            .collect();
        members.sort();
        Ok(GroupView {
            name: group.name.to_string(),
            id: group.id.to_string(),
            members,
            created_at: group.created_at.secs(),
        })
    }

    pub(super) fn execute_group(&self, request: GroupRequest) -> Result<AdminResponse, AppError> {
        let group = match request {
            GroupRequest::Create { name } => self.create_group(&name)?,
            GroupRequest::Rename { name, new_name } => self.rename_group(&name, &new_name)?,
            GroupRequest::Delete { name } => self.delete_group(&name)?,
            GroupRequest::Add { name, usernames } => {
                self.change_members(&name, &usernames, true)?
            }
            GroupRequest::Remove { name, usernames } => {
                self.change_members(&name, &usernames, false)?
            }
            GroupRequest::Show { name } => self.group(&name)?,
            GroupRequest::List => {
                return Ok(AdminResponse::Groups {
                    groups: self
                        .store
                        .groups()?
                        .iter()
                        .map(|g| self.group_view(g))
                        .collect::<Result<_, _>>()?,
                });
            }
        };
        Ok(AdminResponse::Group {
            group: self.group_view(&group)?,
        })
    }

    /// Fills in what a management response shows of groups: a person's groups, a client's
    /// policy by group name.
    pub(super) fn with_group_names(
        &self,
        response: AdminResponse,
    ) -> Result<AdminResponse, AppError> {
        let groups = match &response {
            AdminResponse::User { .. }
            | AdminResponse::Users { .. }
            | AdminResponse::Client { .. }
            | AdminResponse::Clients { .. } => self.store.groups()?,
            _ => return Ok(response),
        };
        let user = |mut view: UserView| {
            let sub = Subject::from_stored(view.sub.clone());
            view.groups = groups
                .iter()
                .filter(|g| g.has_member(&sub))
                .map(|g| g.name.to_string())
                .collect();
            view.groups.sort();
            view
        };
        let client = |mut view: ClientView| {
            view.allowed_groups = view
                .allowed_groups
                .iter()
                .map(|id| {
                    groups
                        .iter()
                        .find(|g| g.id.as_str() == id)
                        .map(|g| g.name.to_string())
                        .unwrap_or_else(|| format!("(deleted group {id})"))
                })
                .collect();
            view
        };
        Ok(match response {
            AdminResponse::User { user: view, ended } => AdminResponse::User {
                user: user(view),
                ended,
            },
            AdminResponse::Users { users } => AdminResponse::Users {
                users: users.into_iter().map(user).collect(),
            },
            AdminResponse::Client {
                client: view,
                secret,
            } => AdminResponse::Client {
                client: Box::new(client(*view)),
                secret,
            },
            AdminResponse::Clients { clients } => AdminResponse::Clients {
                clients: clients.into_iter().map(client).collect(),
            },
            other => other,
        })
    }
}
