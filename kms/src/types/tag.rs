//! Tags of a KMS key: `TagResource`, `UntagResource`, `ListResourceTags`, and `CreateKey`'s
//! `Tags` (AWS KMS API reference, data type `Tag`).

use serde::{Deserialize, Serialize};

/// One tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// 1..=128 characters, not starting with `aws:`.
    pub tag_key: String,
    /// 0..=256 characters.
    #[serde(default)]
    pub tag_value: String,
}

/// `TagResource` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TagResourceRequest {
    /// Key identifier (key id or key ARN).
    pub key_id: String,
    /// Tags to add or replace.
    pub tags: Vec<Tag>,
}

/// `UntagResource` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UntagResourceRequest {
    /// Key identifier (key id or key ARN).
    pub key_id: String,
    /// Keys of the tags to remove.
    pub tag_keys: Vec<String>,
}

/// `ListResourceTags` request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListResourceTagsRequest {
    /// Key identifier (key id or key ARN).
    pub key_id: String,
    /// At most this many tags (1..=50, default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The `NextMarker` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
}

/// `ListResourceTags` response, tags sorted by key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListResourceTagsResponse {
    /// The tags of this page.
    pub tags: Vec<Tag>,
    /// The marker of the next page, when truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    /// Whether more tags follow.
    pub truncated: bool,
}
