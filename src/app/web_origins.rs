//! Which web origins may read the answers of `/device_authorization`, `/token` and `/revoke`
//! (CORS): those a public client lists for itself. Kept in memory, read again from the
//! clients at start and after every change to one, which all go through the running server.

use std::collections::HashMap;
use std::sync::RwLock;

use super::App;
use crate::domain::client::{Client, ClientId};
use crate::domain::web_origin::WebOrigin;

#[derive(Debug, Default)]
pub(super) struct WebOrigins {
    by_client: RwLock<HashMap<ClientId, Vec<WebOrigin>>>,
}

impl App {
    pub(super) fn refresh_web_origins(&self, clients: &[Client]) {
        let by_client: HashMap<ClientId, Vec<WebOrigin>> = clients
            .iter()
            .filter(|c| !c.web_origins.is_empty() && !c.disabled)
            .map(|c| (c.id.clone(), c.web_origins.clone()))
            .collect();
        match self.web_origins.by_client.write() {
            Ok(mut slot) => *slot = by_client,
            Err(poisoned) => *poisoned.into_inner() = by_client,
        }
    }

    /// The origins a client's own pages run on: they may also frame its pairing page.
    pub fn web_origins_of(&self, client_id: &ClientId) -> Vec<String> {
        let by_client = match self.web_origins.by_client.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        by_client
            .get(client_id)
            .map(|origins| origins.iter().map(|o| o.as_str().to_owned()).collect())
            .unwrap_or_default()
    }

    /// Whether a page at `origin` may read the answer to a request of `client_id`; with no
    /// client known (a preflight, or a request refused before naming one), whether any client
    /// lists it.
    pub fn web_origin_allowed(&self, origin: &str, client_id: Option<&str>) -> bool {
        let by_client = match self.web_origins.by_client.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let listed = |origins: &Vec<WebOrigin>| origins.iter().any(|o| o.as_str() == origin);
        match client_id {
            Some(id) => ClientId::parse(id)
                .ok()
                .and_then(|id| by_client.get(&id))
                .is_some_and(listed),
            None => by_client.values().any(listed),
        }
    }
}
