//! Tags of a key (AWS KMS API reference: `TagResource`, `UntagResource`, `ListResourceTags`,
//! `CreateKey` `Tags`; data type `Tag`). They are part of the key's row, so a tag change is one
//! write of that row in the operation's transaction.

use super::limits;
use super::paging::Window;
use super::store::{require_not_pending, Call, State};
use crate::error::{names, KmsError};
use crate::types::*;
use std::collections::BTreeMap;

/// Tags per key (AWS KMS quota "Tags per KMS key": 50).
pub(crate) const MAX_TAGS: usize = 50;
const MAX_KEY_CHARS: usize = 128;
const MAX_VALUE_CHARS: usize = 256;

/// A key's tags, by tag key.
pub(crate) type Tags = BTreeMap<String, String>;

/// Checks `tags` and adds them to `into` (replacing values of existing keys), within the quota.
pub(crate) fn merge(into: &mut Tags, tags: &[Tag]) -> Result<(), KmsError> {
    if tags.len() > MAX_TAGS {
        return Err(limits::invalid(
            "Tags",
            &format!("must have at most {MAX_TAGS} members"),
        ));
    }
    for t in tags {
        limits::chars("TagKey", &t.tag_key, 1, MAX_KEY_CHARS)?;
        limits::chars("TagValue", &t.tag_value, 0, MAX_VALUE_CHARS)?;
        // The aws: prefix is reserved for AWS (AWS KMS developer guide, "Tags in AWS KMS").
        if t.tag_key.to_ascii_lowercase().starts_with("aws:") {
            return Err(KmsError::new(
                names::TAG,
                "tag keys beginning with aws: are reserved",
            ));
        }
    }
    let mut merged = into.clone();
    for t in tags {
        merged.insert(t.tag_key.clone(), t.tag_value.clone());
    }
    if merged.len() > MAX_TAGS {
        return Err(KmsError::new(
            names::LIMIT_EXCEEDED,
            format!("a key has at most {MAX_TAGS} tags"),
        ));
    }
    *into = merged;
    Ok(())
}

pub(crate) fn tag_resource(
    st: &mut State,
    c: &mut Call<'_>,
    req: TagResourceRequest,
) -> Result<(), KmsError> {
    limits::key_id("KeyId", &req.key_id)?;
    let e = st.authorized(c, &req.key_id, "TagResource", None)?;
    require_not_pending(&e)?;
    let mut tags = e.tags.clone();
    merge(&mut tags, &req.tags)?;
    st.entry_mut(&e.arn)?.tags = tags;
    Ok(())
}

pub(crate) fn untag_resource(
    st: &mut State,
    c: &mut Call<'_>,
    req: UntagResourceRequest,
) -> Result<(), KmsError> {
    limits::key_id("KeyId", &req.key_id)?;
    if req.tag_keys.len() > MAX_TAGS {
        return Err(limits::invalid(
            "TagKeys",
            &format!("must have at most {MAX_TAGS} members"),
        ));
    }
    for k in &req.tag_keys {
        limits::chars("TagKeys member", k, 1, MAX_KEY_CHARS)?;
    }
    let e = st.authorized(c, &req.key_id, "UntagResource", None)?;
    require_not_pending(&e)?;
    let m = st.entry_mut(&e.arn)?;
    for k in &req.tag_keys {
        m.tags.remove(k);
    }
    Ok(())
}

pub(crate) fn list_resource_tags(
    st: &mut State,
    c: &mut Call<'_>,
    req: ListResourceTagsRequest,
) -> Result<ListResourceTagsResponse, KmsError> {
    limits::key_id("KeyId", &req.key_id)?;
    // AWS KMS API reference, ListResourceTags: Limit 1..=50, default 50.
    let w = Window::new(req.limit, req.marker.as_deref(), 50, 50)?;
    let e = st.authorized(c, &req.key_id, "ListResourceTags", None)?;
    let page = w.over(
        &e.tags,
        "",
        |_, _| true,
        |k, v| Tag {
            tag_key: k.to_string(),
            tag_value: v.clone(),
        },
    );
    Ok(ListResourceTagsResponse {
        tags: page.items,
        next_marker: page.next_marker,
        truncated: page.truncated,
    })
}
