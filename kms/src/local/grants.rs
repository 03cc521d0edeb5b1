//! Grants (AWS KMS developer guide, "Grants in AWS KMS"; API reference `CreateGrant`,
//! `ListGrants`, `RevokeGrant`, `RetireGrant`): a grant lets its grantee principal perform some
//! operations on one key, optionally only with a matching encryption context. Grants are
//! enforced in authorization: a request the key policy does not allow (but does not explicitly
//! deny) is allowed when a grant of the key allows it (see `State::authorize_entry`).
//!
//! Grants are rows of their own table (`"{key ARN}#{grant id}"`), written in the same
//! transaction as the operation that changes them, so a key with many grants does not make its
//! key row, read by every operation, any larger.

use super::limits::{self, MAX_GRANT_ID_CHARS, MAX_GRANT_NAME_CHARS, MAX_PRINCIPAL_CHARS};
use super::paging::Window;
use super::policy::{self, AuthRequest, Decision};
use super::store::{Call, KeyEntry, State};
use crate::error::{names, KmsError};
use crate::secret::{hex, random_bytes};
use crate::types::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// The operations a grant can allow (AWS KMS API reference, `CreateGrant` `Operations`; the
/// local KMS has no ECDH, so no `DeriveSharedSecret`).
const GRANT_OPERATIONS: &[&str] = &[
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "Sign",
    "Verify",
    "GetPublicKey",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateMac",
    "VerifyMac",
];

/// The operations that take an encryption context: the only ones an encryption-context
/// constraint can apply to. A grant with constraints that names another operation is refused
/// at creation rather than silently never allowing it.
const CONTEXT_OPERATIONS: &[&str] = &[
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
];

/// Grants per key (AWS KMS quota "Grants for a KMS key": 50,000).
const MAX_GRANTS_PER_KEY: usize = 50_000;

/// One grant as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct GrantEntry {
    pub key_arn: String,
    pub grant_id: String,
    #[serde(default)]
    pub name: String,
    pub creation_date: u64,
    pub grantee: String,
    #[serde(default)]
    pub retiring: Option<String>,
    pub issuing_account: String,
    pub operations: Vec<String>,
    #[serde(default)]
    pub constraints: Option<GrantConstraints>,
    /// The random part of the grant token.
    pub nonce: String,
}

impl GrantEntry {
    fn token(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!(
            "{}\n{}\n{}",
            self.key_arn, self.grant_id, self.nonce
        ))
    }

    fn listed(&self) -> GrantListEntry {
        GrantListEntry {
            key_id: self.key_arn.clone(),
            grant_id: self.grant_id.clone(),
            name: self.name.clone(),
            creation_date: self.creation_date as f64,
            grantee_principal: self.grantee.clone(),
            retiring_principal: self.retiring.clone(),
            issuing_account: self.issuing_account.clone(),
            operations: self.operations.clone(),
            constraints: self.constraints.clone(),
        }
    }

    fn allows(&self, principal: &str, action: &str, ctx: Option<&EncryptionContext>) -> bool {
        self.grantee == principal
            && self.operations.iter().any(|o| o == action)
            && self
                .constraints
                .as_ref()
                .is_none_or(|c| constraints_hold(c, ctx))
    }
}

/// The name of a grant's row.
pub(crate) fn row_name(key_arn: &str, grant_id: &str) -> String {
    format!("{key_arn}#{grant_id}")
}

fn prefix(key_arn: &str) -> String {
    format!("{key_arn}#")
}

/// `EncryptionContextEquals`: exactly these pairs; `EncryptionContextSubset`: at least these.
/// A request without a context has the empty one.
fn constraints_hold(c: &GrantConstraints, ctx: Option<&EncryptionContext>) -> bool {
    let empty = EncryptionContext::new();
    let ctx = ctx.unwrap_or(&empty);
    c.encryption_context_equals
        .as_ref()
        .is_none_or(|eq| eq == ctx)
        && c.encryption_context_subset
            .as_ref()
            .is_none_or(|sub| sub.iter().all(|(k, v)| ctx.get(k) == Some(v)))
}

/// Whether a grant of `e` lets `principal` perform `action` with `ctx`.
pub(crate) fn allow(
    st: &State,
    e: &KeyEntry,
    principal: &str,
    action: &str,
    ctx: Option<&EncryptionContext>,
) -> bool {
    grants_of(st, &e.arn).any(|g| g.allows(principal, action, ctx))
}

fn grants_of<'a>(st: &'a State, key_arn: &str) -> impl Iterator<Item = &'a GrantEntry> + 'a {
    let p = prefix(key_arn);
    st.grants
        .range::<str, _>((
            std::ops::Bound::Included(p.as_str()),
            std::ops::Bound::Unbounded,
        ))
        .take_while(move |(k, _)| k.starts_with(&p))
        .map(|(_, g)| g)
}

/// Removes every grant of a key (the key is deleted).
pub(crate) fn remove_all(st: &mut State, key_arn: &str) {
    let names: Vec<String> = grants_of(st, key_arn)
        .map(|g| row_name(&g.key_arn, &g.grant_id))
        .collect();
    for n in names {
        st.grants.remove(&n);
    }
}

fn check_principal(param: &str, p: &str) -> Result<(), KmsError> {
    limits::chars(param, p, 1, MAX_PRINCIPAL_CHARS)?;
    // The local KMS knows IAM principal ARNs only (no service principals).
    if crate::arn::principal_account(p).is_none() {
        return Err(limits::invalid(param, "must be an IAM principal ARN"));
    }
    Ok(())
}

fn check_constraints(c: &GrantConstraints, operations: &[String]) -> Result<(), KmsError> {
    for (param, ctx) in [
        ("EncryptionContextEquals", &c.encryption_context_equals),
        ("EncryptionContextSubset", &c.encryption_context_subset),
    ] {
        if let Some(ctx) = ctx {
            limits::context(param, ctx)?;
        }
    }
    if operations
        .iter()
        .any(|o| !CONTEXT_OPERATIONS.contains(&o.as_str()))
    {
        return Err(limits::invalid(
            "Constraints",
            "apply only to operations that take an encryption context",
        ));
    }
    Ok(())
}

fn check_request(req: &CreateGrantRequest) -> Result<(), KmsError> {
    limits::key_id("KeyId", &req.key_id)?;
    limits::grant_tokens(&req.grant_tokens)?;
    check_principal("GranteePrincipal", &req.grantee_principal)?;
    if let Some(r) = &req.retiring_principal {
        check_principal("RetiringPrincipal", r)?;
    }
    if req.operations.is_empty() || req.operations.len() > GRANT_OPERATIONS.len() {
        return Err(limits::invalid(
            "Operations",
            "must name 1 or more grant operations",
        ));
    }
    if let Some(o) = req
        .operations
        .iter()
        .find(|o| !GRANT_OPERATIONS.contains(&o.as_str()))
    {
        // A known-bounded name may be shown; anything longer is not echoed.
        let shown = if o.len() <= 64 {
            o.as_str()
        } else {
            "(too long)"
        };
        return Err(limits::invalid(
            "Operations",
            &format!("member {shown} is not a grant operation"),
        ));
    }
    if let Some(n) = &req.name {
        limits::chars("Name", n, 1, MAX_GRANT_NAME_CHARS)?;
        if !n
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ":/_-".contains(ch))
        {
            return Err(limits::invalid("Name", "must match ^[a-zA-Z0-9:/_-]+$"));
        }
    }
    if let Some(c) = &req.constraints {
        check_constraints(c, &req.operations)?;
    }
    Ok(())
}

/// The account root ARN of a principal ARN (the grant's `IssuingAccount`).
fn account_root(c: &Call<'_>) -> String {
    format!("arn:{}:iam::{}:root", super::store::PARTITION, c.account)
}

pub(crate) fn create_grant(
    st: &mut State,
    c: &mut Call<'_>,
    req: CreateGrantRequest,
) -> Result<CreateGrantResponse, KmsError> {
    check_request(&req)?;
    let e = st.authorized(c, &req.key_id, "CreateGrant", None)?;
    super::store::require_not_pending(&e)?;
    let mut operations = req.operations.clone();
    operations.sort();
    operations.dedup();
    // Allowed by a grant rather than the policy: the new grant may not allow more than the grant
    // that allowed it (AWS KMS developer guide, "Grants in AWS KMS", CreateGrant in a grant).
    if policy_decision(st, c, &e, "CreateGrant") != Decision::Allow {
        let widest = grants_of(st, &e.arn)
            .filter(|g| g.allows(c.principal, "CreateGrant", None))
            .any(|g| {
                operations.iter().all(|o| g.operations.contains(o))
                    && (g.constraints.is_none() || g.constraints == req.constraints)
            });
        if !widest {
            return Err(policy::denied(&auth_request(c, &e, "kms:CreateGrant")));
        }
    }
    let name = req.name.clone().unwrap_or_default();
    if !name.is_empty() {
        let same = grants_of(st, &e.arn).find(|g| {
            g.name == name
                && g.grantee == req.grantee_principal
                && g.retiring == req.retiring_principal
                && g.operations == operations
                && g.constraints == req.constraints
        });
        if let Some(g) = same {
            return Ok(CreateGrantResponse {
                grant_token: g.token(),
                grant_id: g.grant_id.clone(),
            });
        }
    }
    if grants_of(st, &e.arn).count() >= MAX_GRANTS_PER_KEY {
        return Err(KmsError::new(
            names::LIMIT_EXCEEDED,
            format!("a key has at most {MAX_GRANTS_PER_KEY} grants"),
        ));
    }
    let grant = GrantEntry {
        key_arn: e.arn.clone(),
        grant_id: hex(&random_bytes(32)?),
        name,
        creation_date: c.now,
        grantee: req.grantee_principal,
        retiring: req.retiring_principal,
        issuing_account: account_root(c),
        operations,
        constraints: req.constraints,
        nonce: hex(&random_bytes(16)?),
    };
    let out = CreateGrantResponse {
        grant_token: grant.token(),
        grant_id: grant.grant_id.clone(),
    };
    st.grants
        .insert(row_name(&grant.key_arn, &grant.grant_id), grant);
    Ok(out)
}

fn auth_request<'a>(c: &'a Call<'_>, e: &'a KeyEntry, action: &'a str) -> AuthRequest<'a> {
    AuthRequest {
        principal: c.principal,
        account: c.account,
        action,
        resource: &e.arn,
        context: None,
    }
}

fn policy_decision(_st: &State, c: &Call<'_>, e: &KeyEntry, action: &str) -> Decision {
    let action = format!("kms:{action}");
    policy::decide(&e.policy, &auth_request(c, e, &action))
}

pub(crate) fn list_grants(
    st: &mut State,
    c: &mut Call<'_>,
    req: ListGrantsRequest,
) -> Result<ListGrantsResponse, KmsError> {
    limits::key_id("KeyId", &req.key_id)?;
    if let Some(g) = &req.grant_id {
        limits::chars("GrantId", g, 1, MAX_GRANT_ID_CHARS)?;
    }
    if let Some(p) = &req.grantee_principal {
        limits::chars("GranteePrincipal", p, 1, MAX_PRINCIPAL_CHARS)?;
    }
    // AWS KMS API reference, ListGrants: Limit 1..=100, default 50.
    let w = Window::new(req.limit, req.marker.as_deref(), 100, 50)?;
    let e = st.authorized(c, &req.key_id, "ListGrants", None)?;
    let p = prefix(&e.arn);
    let page = w.over(
        &st.grants,
        &p,
        |_, g| {
            req.grant_id.as_ref().is_none_or(|id| *id == g.grant_id)
                && req
                    .grantee_principal
                    .as_ref()
                    .is_none_or(|gp| *gp == g.grantee)
        },
        |_, g| g.listed(),
    );
    Ok(ListGrantsResponse {
        grants: page.items,
        next_marker: page.next_marker,
        truncated: page.truncated,
    })
}

fn remove(st: &mut State, key_arn: &str, grant_id: &str) -> Result<(), KmsError> {
    st.grants
        .remove(&row_name(key_arn, grant_id))
        .map(|_| ())
        .ok_or_else(|| KmsError::new(names::NOT_FOUND, "the grant does not exist"))
}

pub(crate) fn revoke_grant(
    st: &mut State,
    c: &mut Call<'_>,
    req: RevokeGrantRequest,
) -> Result<(), KmsError> {
    limits::key_id("KeyId", &req.key_id)?;
    limits::chars("GrantId", &req.grant_id, 1, MAX_GRANT_ID_CHARS)?;
    let e = st.authorized(c, &req.key_id, "RevokeGrant", None)?;
    remove(st, &e.arn, &req.grant_id)
}

/// The key ARN and grant id a token names (`InvalidGrantTokenException` when it names none).
fn parse_token(token: &str) -> Result<(String, String, String), KmsError> {
    let bad = || KmsError::new(names::INVALID_GRANT_TOKEN, "the grant token is not valid");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.splitn(3, '\n');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(k), Some(g), Some(n)) => Ok((k.to_string(), g.to_string(), n.to_string())),
        _ => Err(bad()),
    }
}

pub(crate) fn retire_grant(
    st: &mut State,
    c: &mut Call<'_>,
    req: RetireGrantRequest,
) -> Result<(), KmsError> {
    let (key_arn, grant_id) = match (&req.grant_token, &req.key_id, &req.grant_id) {
        (Some(t), None, None) => {
            limits::chars("GrantToken", t, 1, 8192)?;
            let (k, g, nonce) = parse_token(t)?;
            let known = st
                .grants
                .get(&row_name(&k, &g))
                .is_some_and(|e| e.nonce == nonce);
            if !known {
                return Err(KmsError::new(
                    names::INVALID_GRANT_TOKEN,
                    "the grant token is not valid",
                ));
            }
            (k, g)
        }
        (None, Some(k), Some(g)) => {
            limits::key_id("KeyId", k)?;
            limits::chars("GrantId", g, 1, MAX_GRANT_ID_CHARS)?;
            // RetireGrant names the key by its ARN (AWS KMS API reference, RetireGrant).
            if !k.starts_with("arn:") {
                return Err(limits::invalid("KeyId", "must be a key ARN"));
            }
            (st.resolve(c, k)?, g.clone())
        }
        _ => {
            return Err(limits::invalid(
                "GrantToken",
                "or KeyId and GrantId must be given (not both)",
            ))
        }
    };
    c.key_arn = Some(key_arn.clone());
    let g = st
        .grants
        .get(&row_name(&key_arn, &grant_id))
        .cloned()
        .ok_or_else(|| KmsError::new(names::NOT_FOUND, "the grant does not exist"))?;
    // Who may retire (AWS KMS API reference, RetireGrant): the retiring principal, the grantee
    // when the grant includes RetireGrant, or a principal the key policy allows kms:RetireGrant.
    let e = st.entry(&key_arn)?.clone();
    let allowed = g.retiring.as_deref() == Some(c.principal)
        || (g.grantee == c.principal && g.operations.iter().any(|o| o == "RetireGrant"))
        || policy_decision(st, c, &e, "RetireGrant") == Decision::Allow;
    if !allowed {
        return Err(policy::denied(&auth_request(c, &e, "kms:RetireGrant")));
    }
    remove(st, &key_arn, &grant_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn constraints() {
        let eq = GrantConstraints {
            encryption_context_equals: Some(ctx(&[("a", "1")])),
            encryption_context_subset: None,
        };
        assert!(constraints_hold(&eq, Some(&ctx(&[("a", "1")]))));
        assert!(!constraints_hold(
            &eq,
            Some(&ctx(&[("a", "1"), ("b", "2")]))
        ));
        assert!(!constraints_hold(&eq, Some(&ctx(&[("a", "2")]))));
        assert!(!constraints_hold(&eq, None));
        let sub = GrantConstraints {
            encryption_context_equals: None,
            encryption_context_subset: Some(ctx(&[("a", "1")])),
        };
        assert!(constraints_hold(
            &sub,
            Some(&ctx(&[("a", "1"), ("b", "2")]))
        ));
        assert!(!constraints_hold(&sub, Some(&ctx(&[("b", "2")]))));
        assert!(!constraints_hold(&sub, None));
    }

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        let g = GrantEntry {
            key_arn: "arn:aws:kms:us-east-1:111122223333:key/k".into(),
            grant_id: "g".into(),
            name: String::new(),
            creation_date: 0,
            grantee: "p".into(),
            retiring: None,
            issuing_account: "a".into(),
            operations: vec![],
            constraints: None,
            nonce: "n".into(),
        };
        let (k, id, n) = parse_token(&g.token()).unwrap();
        assert_eq!(
            (k.as_str(), id.as_str(), n.as_str()),
            (g.key_arn.as_str(), "g", "n")
        );
        for bad in ["", "!!!", "YQ", &URL_SAFE_NO_PAD.encode([0xff, 0xfe])] {
            assert_eq!(
                parse_token(bad).unwrap_err().name,
                names::INVALID_GRANT_TOKEN
            );
        }
    }
}
