//! Which resource server each scope is for, and so the `aud` of an access token (RFC 9068 §3).
//!
//! OpenID Connect's scopes are for the UserInfo endpoint; every other scope belongs to exactly
//! one configured resource. A scope that belongs to none is unknown, and refused.

use super::Invalid;
use super::scope::{OIDC_SCOPES, ScopeSet};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The `aud` value resource servers check, e.g. `https://api.home.example`.
    pub audience: String,
    pub scopes: ScopeSet,
}

impl Resource {
    /// Parses `AUDIENCE=SCOPE,SCOPE` (commas or spaces between scopes).
    pub fn parse(text: &str) -> Result<Resource, Invalid> {
        let (audience, scopes) = text.split_once('=').ok_or_else(|| {
            Invalid::new(format!(
                "resource {text:?} is not of the form https://api.example=scope1,scope2"
            ))
        })?;
        let audience = audience.trim();
        if url::Url::parse(audience).is_err() {
            return Err(Invalid::new(format!(
                "resource audience {audience:?} is not an absolute URI"
            )));
        }
        let scopes = ScopeSet::from_tokens(scopes.split([',', ' ']).filter(|s| !s.is_empty()))?;
        if scopes.is_empty() {
            return Err(Invalid::new(format!(
                "resource {audience:?} names no scopes"
            )));
        }
        if let Some(oidc) = scopes.iter().find(|s| OIDC_SCOPES.contains(&s.as_str())) {
            return Err(Invalid::new(format!(
                "scope {oidc} belongs to OpenID Connect and cannot be given to {audience:?}"
            )));
        }
        Ok(Resource {
            audience: audience.to_owned(),
            scopes,
        })
    }
}

/// The resources of a server, checked so that every scope maps to one audience only
/// (RFC 9068 §5: an access token's authorization must be unambiguous).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resources(Vec<Resource>);

impl Resources {
    pub fn new(resources: Vec<Resource>) -> Result<Resources, Invalid> {
        for (i, a) in resources.iter().enumerate() {
            for b in &resources[i + 1..] {
                if a.audience == b.audience {
                    return Err(Invalid::new(format!(
                        "resource {:?} is given twice",
                        a.audience
                    )));
                }
                if let Some(shared) = a.scopes.iter().find(|s| b.scopes.contains(s.as_str())) {
                    return Err(Invalid::new(format!(
                        "scope {shared} is given to both {:?} and {:?}; each scope may belong to one resource",
                        a.audience, b.audience
                    )));
                }
            }
        }
        Ok(Resources(resources))
    }

    /// Every scope the server knows: OpenID Connect's and the resources'.
    pub fn known_scopes(&self) -> impl Iterator<Item = &str> {
        OIDC_SCOPES.iter().copied().chain(
            self.0
                .iter()
                .flat_map(|r| r.scopes.iter().map(|s| s.as_str())),
        )
    }

    /// Whether `scope` is about a person (OpenID Connect's), so it needs one to grant it.
    pub fn is_about_a_person(scope: &str) -> bool {
        OIDC_SCOPES.contains(&scope)
    }

    pub fn knows(&self, scope: &str) -> bool {
        self.known_scopes().any(|known| known == scope)
    }

    /// The audiences an access token for `scopes` is for, in a stable order.
    pub fn audiences(&self, scopes: &ScopeSet, userinfo_audience: &str) -> Vec<String> {
        let mut audiences = Vec::new();
        if scopes.iter().any(|s| OIDC_SCOPES.contains(&s.as_str())) {
            audiences.push(userinfo_audience.to_owned());
        }
        for resource in &self.0 {
            if scopes.iter().any(|s| resource.scopes.contains(s.as_str())) {
                audiences.push(resource.audience.clone());
            }
        }
        audiences
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Resources {
        Resources::new(vec![
            Resource::parse("https://api.example.test=api.read,api.write").unwrap(),
        ])
        .unwrap()
    }

    #[test]
    fn oidc_scopes_go_to_userinfo_and_api_scopes_to_their_resource() {
        let userinfo = "http://127.0.0.1/userinfo";
        let audiences = |s: &str| api().audiences(&ScopeSet::parse(s).unwrap(), userinfo);
        assert_eq!(audiences("openid profile"), vec![userinfo]);
        assert_eq!(audiences("api.read"), vec!["https://api.example.test"]);
        assert_eq!(
            audiences("openid api.read"),
            vec![userinfo, "https://api.example.test"]
        );
    }

    #[test]
    fn a_scope_may_belong_to_one_resource_only() {
        let a = Resource::parse("https://a.test=x").unwrap();
        let b = Resource::parse("https://b.test=x,y").unwrap();
        assert!(Resources::new(vec![a, b]).is_err());
        assert!(Resource::parse("https://a.test=openid").is_err());
        assert!(Resource::parse("not a uri=x").is_err());
        assert!(Resource::parse("https://a.test=").is_err());
    }

    #[test]
    fn unknown_scopes_are_not_known() {
        assert!(api().knows("openid") && api().knows("api.write"));
        assert!(!api().knows("nope") && !api().knows("OpenID"));
    }
}
