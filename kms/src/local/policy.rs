//! Key policies: a subset of the AWS policy grammar, evaluated for every key operation.
//!
//! Supported: `Statement` (object or array) with `Sid`, `Effect` (Allow/Deny), `Principal`
//! (`"*"` or `{"AWS": ARN | [ARN] | "*"}`), `Action` (`kms:Op`, wildcards `*`/`?`,
//! case-insensitive), `Resource` (`*` or key-ARN patterns), and `Condition` with
//! `StringEquals`/`StringNotEquals`/`StringLike`/`StringNotLike` over `kms:EncryptionContext:KEY`,
//! `kms:CallerAccount` and `aws:PrincipalArn`. Any other element makes the document malformed
//! rather than being silently ignored (ignoring `NotAction` would widen access).
//!
//! Decision: allowed iff some statement allows and none denies.
//!
//! Account principals: a principal `arn:aws:iam::ACCOUNT:root` (or a bare `ACCOUNT`) matches
//! **every** principal of that account. Real KMS delegates this to IAM; the local KMS has no IAM,
//! so it behaves as if IAM allowed every principal of the account. Put an explicit Deny on a
//! specific principal to restrict it.

use crate::error::{names, KmsError};
use crate::types::EncryptionContext;
use serde_json::Value;

/// The request being authorized.
pub(crate) struct AuthRequest<'a> {
    pub principal: &'a str,
    pub account: &'a str,
    /// `kms:Encrypt`, ...
    pub action: &'a str,
    pub resource: &'a str,
    pub context: Option<&'a EncryptionContext>,
}

/// The default key policy: the account root has full access.
pub(crate) fn default_policy(account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
    )
}

fn malformed(msg: &str) -> KmsError {
    KmsError::new(names::MALFORMED_POLICY, msg)
}

/// A parsed statement.
struct Statement {
    allow: bool,
    principals: Vec<String>,
    actions: Vec<String>,
    resources: Vec<String>,
    conditions: Vec<Condition>,
}

struct Condition {
    op: String,
    key: String,
    values: Vec<String>,
}

fn strings(v: &Value, what: &str) -> Result<Vec<String>, KmsError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| malformed(&format!("{what} must be strings")))
            })
            .collect(),
        _ => Err(malformed(&format!(
            "{what} must be a string or a list of strings"
        ))),
    }
}

fn parse_statement(v: &Value) -> Result<Statement, KmsError> {
    let obj = v
        .as_object()
        .ok_or_else(|| malformed("a statement must be an object"))?;
    for k in obj.keys() {
        if !matches!(
            k.as_str(),
            "Sid" | "Effect" | "Principal" | "Action" | "Resource" | "Condition"
        ) {
            return Err(malformed(&format!("unsupported policy element {k}")));
        }
    }
    let allow = match obj.get("Effect").and_then(Value::as_str) {
        Some("Allow") => true,
        Some("Deny") => false,
        _ => return Err(malformed("Effect must be Allow or Deny")),
    };
    let principals = match obj.get("Principal") {
        Some(Value::String(s)) if s == "*" => vec!["*".to_string()],
        Some(Value::Object(p)) => {
            let mut out = Vec::new();
            for (k, val) in p {
                if k != "AWS" {
                    return Err(malformed("only AWS principals are supported"));
                }
                out.extend(strings(val, "Principal")?);
            }
            out
        }
        _ => return Err(malformed("Principal is required")),
    };
    let actions = strings(
        obj.get("Action")
            .ok_or_else(|| malformed("Action is required"))?,
        "Action",
    )?;
    if actions
        .iter()
        .any(|a| a != "*" && !a.to_ascii_lowercase().starts_with("kms:"))
    {
        return Err(malformed("actions must be kms:<Operation>"));
    }
    let resources = match obj.get("Resource") {
        Some(r) => strings(r, "Resource")?,
        None => return Err(malformed("Resource is required")),
    };
    let mut conditions = Vec::new();
    if let Some(c) = obj.get("Condition") {
        let ops = c
            .as_object()
            .ok_or_else(|| malformed("Condition must be an object"))?;
        for (op, body) in ops {
            if !matches!(
                op.as_str(),
                "StringEquals" | "StringNotEquals" | "StringLike" | "StringNotLike"
            ) {
                return Err(malformed(&format!("unsupported condition operator {op}")));
            }
            let pairs = body
                .as_object()
                .ok_or_else(|| malformed("condition body must be an object"))?;
            for (key, vals) in pairs {
                conditions.push(Condition {
                    op: op.clone(),
                    key: key.clone(),
                    values: strings(vals, "condition")?,
                });
            }
        }
    }
    Ok(Statement {
        allow,
        principals,
        actions,
        resources,
        conditions,
    })
}

fn parse(doc: &str) -> Result<Vec<Statement>, KmsError> {
    let v: Value = serde_json::from_str(doc).map_err(|_| malformed("policy is not valid JSON"))?;
    let st = v
        .get("Statement")
        .ok_or_else(|| malformed("Statement is required"))?;
    match st {
        Value::Array(a) => a.iter().map(parse_statement).collect(),
        Value::Object(_) => Ok(vec![parse_statement(st)?]),
        _ => Err(malformed("Statement must be an object or a list")),
    }
}

/// Checks a policy document (PutKeyPolicy, CreateKey) and its size limit (32 KiB).
pub(crate) fn validate(doc: &str) -> Result<(), KmsError> {
    if doc.len() > 32 * 1024 {
        return Err(KmsError::validation("policy is larger than 32 KiB"));
    }
    parse(doc).map(|_| ())
}

/// Glob match with `*` (any run) and `?` (one char).
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None::<usize>, 0usize);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn principal_matches(p: &str, req: &AuthRequest<'_>) -> bool {
    if p == "*" || p == req.principal {
        return true;
    }
    // Account principals: see the module docs.
    if p == req.account {
        return true;
    }
    let parts: Vec<&str> = p.split(':').collect();
    matches!(parts.as_slice(), ["arn", _, "iam", "", acct, "root"] if *acct == req.account)
}

fn condition_value(key: &str, req: &AuthRequest<'_>) -> Option<String> {
    let lower = key.to_ascii_lowercase();
    if let Some(ec_key) = lower.strip_prefix("kms:encryptioncontext:") {
        // The context key part keeps its case as written after the prefix.
        let original = &key[key.len() - ec_key.len()..];
        return req.context.and_then(|c| c.get(original).cloned());
    }
    match lower.as_str() {
        "kms:calleraccount" => Some(req.account.to_string()),
        "aws:principalarn" => Some(req.principal.to_string()),
        _ => None,
    }
}

fn condition_holds(c: &Condition, req: &AuthRequest<'_>) -> bool {
    let actual = condition_value(&c.key, req);
    let any = |f: &dyn Fn(&str, &str) -> bool| {
        actual
            .as_deref()
            .is_some_and(|a| c.values.iter().any(|v| f(v, a)))
    };
    match c.op.as_str() {
        "StringEquals" => any(&|v, a| v == a),
        "StringLike" => any(&|v, a| glob(v, a)),
        // Negated operators hold when the key is absent, as in IAM.
        "StringNotEquals" => !any(&|v, a| v == a),
        "StringNotLike" => !any(&|v, a| glob(v, a)),
        _ => false,
    }
}

fn statement_matches(s: &Statement, req: &AuthRequest<'_>) -> bool {
    let action = req.action.to_ascii_lowercase();
    s.principals.iter().any(|p| principal_matches(p, req))
        && s.actions
            .iter()
            .any(|a| glob(&a.to_ascii_lowercase(), &action))
        && s.resources.iter().any(|r| glob(r, req.resource))
        && s.conditions.iter().all(|c| condition_holds(c, req))
}

/// The outcome of evaluating a key policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Some statement allows, none denies.
    Allow,
    /// No statement matches: a grant may still allow (AWS KMS developer guide, "Grants in AWS
    /// KMS": a grant allows what the key policy does not explicitly deny).
    NoMatch,
    /// A statement denies (or the stored document no longer parses): nothing else can allow.
    Deny,
}

/// Evaluates `doc` for `req`.
pub(crate) fn decide(doc: &str, req: &AuthRequest<'_>) -> Decision {
    let Ok(statements) = parse(doc) else {
        return Decision::Deny;
    };
    let mut allowed = false;
    for s in statements.iter().filter(|s| statement_matches(s, req)) {
        if !s.allow {
            return Decision::Deny;
        }
        allowed = true;
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::NoMatch
    }
}

/// The `AccessDeniedException` of a refused request.
pub(crate) fn denied(req: &AuthRequest<'_>) -> KmsError {
    KmsError::new(
        names::ACCESS_DENIED,
        format!(
            "{} is not authorized to perform {} on {}",
            req.principal, req.action, req.resource
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globbing() {
        assert!(glob("kms:gen*", "kms:generatedatakey"));
        assert!(glob("*", ""));
        assert!(glob("a?c*", "abcdef"));
        assert!(!glob("kms:gen*", "kms:encrypt"));
        assert!(glob(
            "arn:aws:kms:*:111:key/*",
            "arn:aws:kms:us-east-1:111:key/abc"
        ));
    }
}
