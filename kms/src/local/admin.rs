//! Key-management operations of the local KMS (the `KmsAdmin` surface).

use super::limits::{self, MAX_DESCRIPTION_CHARS};
use super::paging::Window;
use super::policy;
use super::rotation;
use super::store::{
    alias_arn, key_arn, mrk_id, require_not_pending, uuid_v4, Call, KeyEntry, MaterialSet, State,
};
use crate::arn::KeyIdentifier;
use crate::error::{names, KmsError};
use crate::types::*;

const DAY: u64 = 86_400;

/// `Description`: 0..=8192 characters (AWS KMS API reference, CreateKey).
fn check_description(d: Option<&String>) -> Result<(), KmsError> {
    match d {
        Some(d) => limits::chars("Description", d, 0, MAX_DESCRIPTION_CHARS),
        None => Ok(()),
    }
}

pub(crate) fn create_key(
    st: &mut State,
    c: &mut Call<'_>,
    req: CreateKeyRequest,
) -> Result<CreateKeyResponse, KmsError> {
    check_description(req.description.as_ref())?;
    let mut tags = super::tags::Tags::new();
    super::tags::merge(&mut tags, &req.tags)?;
    let spec = req.key_spec.unwrap_or(KeySpec::SymmetricDefault);
    let usage = req.key_usage.unwrap_or(KeyUsage::EncryptDecrypt);
    super::key::check_spec_usage(&spec, &usage)?;
    let multi = req.multi_region.unwrap_or(false);
    let policy = match req.policy {
        Some(p) => {
            policy::validate(&p)?;
            p
        }
        None => policy::default_policy(c.account),
    };
    let key_id = if multi { mrk_id()? } else { uuid_v4()? };
    let arn = key_arn(c.region, c.account, &key_id);
    // The creating key's ARN names the material: sealed at rest, it is bound to it (`rows`).
    let material_ref = arn.clone();
    st.materials
        .insert(material_ref.clone(), MaterialSet::generate(&spec, c.now)?);
    let entry = KeyEntry {
        key_id,
        arn: arn.clone(),
        region: c.region.to_string(),
        account: c.account.to_string(),
        spec,
        usage,
        state: KeyState::Enabled,
        description: req.description.unwrap_or_default(),
        creation_date: c.now,
        deletion_date: None,
        pending_window_days: None,
        policy,
        material_ref,
        mrk_primary_region: multi.then(|| c.region.to_string()),
        tags,
    };
    c.key_arn = Some(arn.clone());
    let md = st.metadata(&entry);
    st.keys.insert(arn, entry);
    Ok(CreateKeyResponse { key_metadata: md })
}

fn check_alias_name(name: &str) -> Result<(), KmsError> {
    limits::chars("AliasName", name, 1, 256)?;
    let rest = name
        .strip_prefix("alias/")
        .ok_or_else(|| KmsError::validation("alias names start with alias/"))?;
    if name.starts_with("alias/aws/") {
        return Err(KmsError::validation(
            "the alias/aws/ prefix is reserved for AWS managed keys",
        ));
    }
    let ok_chars = rest
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || "/_-".contains(ch));
    if rest.is_empty() || name.len() > 256 || !ok_chars {
        return Err(KmsError::validation(
            "alias names are 1-256 characters of [a-zA-Z0-9/_-]",
        ));
    }
    Ok(())
}

/// Resolves an alias target, which must be a key (id or ARN), not an alias.
fn alias_target(
    st: &State,
    c: &mut Call<'_>,
    target: &str,
    action: &str,
) -> Result<KeyEntry, KmsError> {
    if matches!(KeyIdentifier::parse(target)?, KeyIdentifier::AliasName(_))
        || matches!(KeyIdentifier::parse(target)?, KeyIdentifier::Arn(ref a) if a.resource_type == crate::arn::ResourceType::Alias)
    {
        return Err(KmsError::validation(
            "an alias must point to a key, not an alias",
        ));
    }
    let e = st.authorized(c, target, action, None)?;
    require_not_pending(&e)?;
    Ok(e)
}

pub(crate) fn create_alias(
    st: &mut State,
    c: &mut Call<'_>,
    req: AliasRequest,
) -> Result<(), KmsError> {
    check_alias_name(&req.alias_name)?;
    let e = alias_target(st, c, &req.target_key_id, "CreateAlias")?;
    let aa = alias_arn(c.region, c.account, &req.alias_name);
    if st.aliases.contains_key(&aa) {
        return Err(KmsError::new(
            names::ALREADY_EXISTS,
            format!("{} already exists", req.alias_name),
        ));
    }
    st.aliases.insert(aa, e.key_id);
    Ok(())
}

pub(crate) fn update_alias(
    st: &mut State,
    c: &mut Call<'_>,
    req: AliasRequest,
) -> Result<(), KmsError> {
    check_alias_name(&req.alias_name)?;
    let aa = alias_arn(c.region, c.account, &req.alias_name);
    if !st.aliases.contains_key(&aa) {
        return Err(KmsError::not_found(&req.alias_name));
    }
    let e = alias_target(st, c, &req.target_key_id, "UpdateAlias")?;
    st.aliases.insert(aa, e.key_id);
    Ok(())
}

pub(crate) fn delete_alias(
    st: &mut State,
    c: &mut Call<'_>,
    req: DeleteAliasRequest,
) -> Result<(), KmsError> {
    let aa = alias_arn(c.region, c.account, &req.alias_name);
    let target = st
        .aliases
        .get(&aa)
        .cloned()
        .ok_or_else(|| KmsError::not_found(&req.alias_name))?;
    let arn = key_arn(c.region, c.account, &target);
    c.key_arn = Some(arn.clone());
    if let Ok(e) = st.entry(&arn) {
        st.authorize_entry(c, e, "DeleteAlias", None)?;
    }
    st.aliases.remove(&aa);
    Ok(())
}

pub(crate) fn list_aliases(
    st: &mut State,
    c: &mut Call<'_>,
    req: ListAliasesRequest,
) -> Result<ListAliasesResponse, KmsError> {
    // AWS KMS API reference, ListAliases: Limit 1..=100, default 50.
    let w = Window::new(req.limit, req.marker.as_deref(), 100, 50)?;
    let filter = match req.key_id {
        Some(k) => Some(st.entry(&st.resolve(c, &k)?)?.key_id.clone()),
        None => None,
    };
    let prefix = alias_arn(c.region, c.account, "alias/");
    let page = w.over(
        &st.aliases,
        &prefix,
        |_, t| filter.as_ref().is_none_or(|f| f == t),
        |a, t| AliasListEntry {
            alias_name: a
                .rsplit_once(':')
                .map(|(_, n)| n.to_string())
                .unwrap_or_default(),
            alias_arn: a.to_string(),
            target_key_id: Some(t.clone()),
        },
    );
    Ok(ListAliasesResponse {
        aliases: page.items,
        next_marker: page.next_marker,
        truncated: page.truncated,
    })
}

/// `ListKeys`, one page: the caller's keys in its region, by key ARN.
pub(crate) fn list_keys(
    st: &mut State,
    c: &mut Call<'_>,
    req: ListKeysRequest,
) -> Result<ListKeysResponse, KmsError> {
    // AWS KMS API reference, ListKeys: Limit 1..=1000, default 100.
    let w = Window::new(req.limit, req.marker.as_deref(), 1000, 100)?;
    let prefix = key_arn(c.region, c.account, "");
    let page = w.over(
        &st.keys,
        &prefix,
        |_, _| true,
        |_, k| KeyListEntry {
            key_id: k.key_id.clone(),
            key_arn: k.arn.clone(),
        },
    );
    Ok(ListKeysResponse {
        keys: page.items,
        next_marker: page.next_marker,
        truncated: page.truncated,
    })
}

pub(crate) fn update_key_description(
    st: &mut State,
    c: &mut Call<'_>,
    req: UpdateKeyDescriptionRequest,
) -> Result<(), KmsError> {
    check_description(Some(&req.description))?;
    let e = st.authorized(c, &req.key_id, "UpdateKeyDescription", None)?;
    require_not_pending(&e)?;
    st.entry_mut(&e.arn)?.description = req.description;
    Ok(())
}

pub(crate) fn list_key_policies(
    st: &mut State,
    c: &mut Call<'_>,
    req: ListKeyPoliciesRequest,
) -> Result<ListKeyPoliciesResponse, KmsError> {
    // AWS KMS API reference, ListKeyPolicies: Limit 1..=1000, default 100; the only policy
    // name is `default`.
    let w = Window::new(req.limit, req.marker.as_deref(), 1000, 100)?;
    st.authorized(c, &req.key_id, "ListKeyPolicies", None)?;
    let names = std::iter::once(("default".to_string(), "default".to_string()))
        .filter(|(k, _)| w.marker.is_none_or(|m| k.as_str() >= m));
    let page = w.take(names);
    Ok(ListKeyPoliciesResponse {
        policy_names: page.items,
        next_marker: page.next_marker,
        truncated: page.truncated,
    })
}

pub(crate) fn replicate_key(
    st: &mut State,
    c: &mut Call<'_>,
    req: ReplicateKeyRequest,
) -> Result<ReplicateKeyResponse, KmsError> {
    check_description(req.description.as_ref())?;
    let e = st.authorized(c, &req.key_id, "ReplicateKey", None)?;
    require_not_pending(&e)?;
    if e.mrk_primary_region.is_none() {
        return Err(KmsError::new(
            names::UNSUPPORTED,
            "only multi-Region keys can be replicated",
        ));
    }
    if e.is_replica() {
        return Err(KmsError::new(
            names::UNSUPPORTED,
            "replicate from the primary key",
        ));
    }
    if req.replica_region.is_empty() || req.replica_region.contains(':') {
        return Err(KmsError::validation("invalid ReplicaRegion"));
    }
    let arn = key_arn(&req.replica_region, &e.account, &e.key_id);
    if st.keys.contains_key(&arn) {
        return Err(KmsError::new(
            names::ALREADY_EXISTS,
            format!("{arn} already exists"),
        ));
    }
    let policy = match req.policy {
        Some(p) => {
            policy::validate(&p)?;
            p
        }
        None => policy::default_policy(&e.account),
    };
    let replica = KeyEntry {
        arn: arn.clone(),
        region: req.replica_region.clone(),
        state: KeyState::Enabled,
        description: req.description.unwrap_or_else(|| e.description.clone()),
        creation_date: c.now,
        deletion_date: None,
        pending_window_days: None,
        policy: policy.clone(),
        // A replica has its own tags (AWS KMS API reference, ReplicateKey `Tags`).
        tags: Default::default(),
        ..e
    };
    st.keys.insert(arn.clone(), replica);
    let md = st.metadata(st.entry(&arn)?);
    Ok(ReplicateKeyResponse {
        replica_key_metadata: md,
        replica_policy: Some(policy),
    })
}

fn set_state(
    st: &mut State,
    c: &mut Call<'_>,
    req: &KeyIdRequest,
    action: &str,
    to: KeyState,
) -> Result<(), KmsError> {
    let e = st.authorized(c, &req.key_id, action, None)?;
    require_not_pending(&e)?;
    st.entry_mut(&e.arn)?.state = to;
    Ok(())
}

pub(crate) fn enable_key(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<(), KmsError> {
    set_state(st, c, &req, "EnableKey", KeyState::Enabled)
}

pub(crate) fn disable_key(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<(), KmsError> {
    set_state(st, c, &req, "DisableKey", KeyState::Disabled)
}

pub(crate) fn schedule_key_deletion(
    st: &mut State,
    c: &mut Call<'_>,
    req: ScheduleKeyDeletionRequest,
) -> Result<ScheduleKeyDeletionResponse, KmsError> {
    let days = req.pending_window_in_days.unwrap_or(30);
    if !(7..=30).contains(&days) {
        return Err(KmsError::validation(
            "PendingWindowInDays must be between 7 and 30",
        ));
    }
    let e = st.authorized(c, &req.key_id, "ScheduleKeyDeletion", None)?;
    require_not_pending(&e)?;
    let date = c.now + u64::from(days) * DAY;
    let m = st.entry_mut(&e.arn)?;
    m.state = KeyState::PendingDeletion;
    m.deletion_date = Some(date);
    m.pending_window_days = Some(days);
    Ok(ScheduleKeyDeletionResponse {
        key_id: e.arn,
        deletion_date: Some(date as f64),
        key_state: Some(KeyState::PendingDeletion),
        pending_window_in_days: Some(days),
    })
}

pub(crate) fn cancel_key_deletion(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<KeyIdResponse, KmsError> {
    let e = st.authorized(c, &req.key_id, "CancelKeyDeletion", None)?;
    if e.state != KeyState::PendingDeletion {
        return Err(KmsError::new(
            names::INVALID_STATE,
            format!("{} is not pending deletion", e.arn),
        ));
    }
    let m = st.entry_mut(&e.arn)?;
    m.state = KeyState::Disabled;
    m.deletion_date = None;
    m.pending_window_days = None;
    Ok(KeyIdResponse { key_id: e.arn })
}

/// The key must be a symmetric, enabled, non-replica key for rotation settings.
fn rotatable(
    st: &State,
    c: &mut Call<'_>,
    key_id: &str,
    action: &str,
) -> Result<KeyEntry, KmsError> {
    let e = st.usable(c, key_id, action, None)?;
    if e.spec != KeySpec::SymmetricDefault {
        return Err(KmsError::new(
            names::UNSUPPORTED,
            "only symmetric encryption keys can be rotated",
        ));
    }
    if e.is_replica() {
        return Err(KmsError::new(
            names::UNSUPPORTED,
            "rotate a multi-Region key through its primary",
        ));
    }
    Ok(e)
}

pub(crate) fn enable_key_rotation(
    st: &mut State,
    c: &mut Call<'_>,
    req: EnableKeyRotationRequest,
) -> Result<(), KmsError> {
    let days = req
        .rotation_period_in_days
        .unwrap_or(rotation::DEFAULT_PERIOD_DAYS);
    if !rotation::PERIOD_RANGE.contains(&days) {
        return Err(KmsError::validation(
            "RotationPeriodInDays must be between 90 and 2560",
        ));
    }
    let e = rotatable(st, c, &req.key_id, "EnableKeyRotation")?;
    let set = st
        .materials
        .get_mut(&e.material_ref)
        .ok_or_else(|| KmsError::new(names::INTERNAL, "material missing"))?;
    rotation::enable(set, days, c.now);
    Ok(())
}

pub(crate) fn disable_key_rotation(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<(), KmsError> {
    let e = rotatable(st, c, &req.key_id, "DisableKeyRotation")?;
    let set = st
        .materials
        .get_mut(&e.material_ref)
        .ok_or_else(|| KmsError::new(names::INTERNAL, "material missing"))?;
    rotation::disable(set);
    Ok(())
}

pub(crate) fn get_key_rotation_status(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<GetKeyRotationStatusResponse, KmsError> {
    let e = st.authorized(c, &req.key_id, "GetKeyRotationStatus", None)?;
    let r = &st.materials_of(&e)?.rotation;
    Ok(GetKeyRotationStatusResponse {
        key_rotation_enabled: r.enabled,
        key_id: Some(e.arn.clone()),
        rotation_period_in_days: r.enabled.then_some(r.period_days),
        next_rotation_date: r.next_rotation.map(|d| d as f64),
    })
}

pub(crate) fn rotate_key_on_demand(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<KeyIdResponse, KmsError> {
    let e = rotatable(st, c, &req.key_id, "RotateKeyOnDemand")?;
    let set = st
        .materials
        .get_mut(&e.material_ref)
        .ok_or_else(|| KmsError::new(names::INTERNAL, "material missing"))?;
    rotation::rotate(set, c.now, RotationType::OnDemand)?;
    Ok(KeyIdResponse { key_id: e.arn })
}

pub(crate) fn list_key_rotations(
    st: &mut State,
    c: &mut Call<'_>,
    req: ListKeyRotationsRequest,
) -> Result<ListKeyRotationsResponse, KmsError> {
    // AWS KMS API reference, ListKeyRotations: Limit 1..=1000, default 100. The marker is the
    // number of the next rotation (oldest first), zero-padded so markers sort as numbers.
    let w = Window::new(req.limit, req.marker.as_deref(), 1000, 100)?;
    let from = match w.marker {
        None => 0,
        Some(m) => m.parse::<usize>().map_err(|_| {
            KmsError::new(
                names::INVALID_MARKER,
                "Marker is not a ListKeyRotations marker",
            )
        })?,
    };
    let e = st.authorized(c, &req.key_id, "ListKeyRotations", None)?;
    let history = &st.materials_of(&e)?.rotation.history;
    let entries = history.iter().enumerate().skip(from).map(|(n, r)| {
        (
            format!("{n:010}"),
            RotationsListEntry {
                key_id: e.arn.clone(),
                rotation_date: Some(r.date as f64),
                rotation_type: Some(r.kind.clone()),
            },
        )
    });
    let page = w.take(entries);
    Ok(ListKeyRotationsResponse {
        rotations: page.items,
        next_marker: page.next_marker,
        truncated: page.truncated,
    })
}

pub(crate) fn put_key_policy(
    st: &mut State,
    c: &mut Call<'_>,
    req: PutKeyPolicyRequest,
) -> Result<(), KmsError> {
    limits::chars("Policy", &req.policy, 1, 32_768)?;
    if req.policy_name.as_deref().is_some_and(|n| n != "default") {
        return Err(KmsError::validation("PolicyName must be default"));
    }
    policy::validate(&req.policy)?;
    let e = st.authorized(c, &req.key_id, "PutKeyPolicy", None)?;
    require_not_pending(&e)?;
    st.entry_mut(&e.arn)?.policy = req.policy;
    Ok(())
}

pub(crate) fn get_key_policy(
    st: &mut State,
    c: &mut Call<'_>,
    req: KeyIdRequest,
) -> Result<GetKeyPolicyResponse, KmsError> {
    let e = st.authorized(c, &req.key_id, "GetKeyPolicy", None)?;
    Ok(GetKeyPolicyResponse {
        policy: e.policy,
        policy_name: Some("default".to_string()),
    })
}
