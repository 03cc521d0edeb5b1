//! Where the server's callers come from: a credentials file or the environment, never the
//! command line (any local user can read another process's arguments in `/proc/PID/cmdline`;
//! its environment and a 0600 file only its owner can).
//!
//! The file uses the AWS shared-credentials layout (AWS SDKs and Tools reference guide, "Shared
//! config and credentials files"): one `[section]` per caller with `aws_access_key_id` and
//! `aws_secret_access_key` (and optionally `aws_session_token`, which the caller must then send),
//! or `bearer_token`; `principal_arn` names the IAM principal the caller acts as (default: the
//! `--principal` value).
//!
//! ```text
//! [default]
//! aws_access_key_id = AKIDEXAMPLE
//! aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
//! principal_arn = arn:aws:iam::111122223333:user/alice
//!
//! [gateway]
//! bearer_token = a-long-random-token
//! principal_arn = arn:aws:iam::111122223333:role/gateway
//! ```
//!
//! The environment holds `SEALKIT_KEY_SERVER_CREDENTIALS` (`AKID:SECRET:PRINCIPAL_ARN` entries,
//! whitespace-separated) and `SEALKIT_KEY_SERVER_BEARER` (`TOKEN:PRINCIPAL_ARN` entries).

use std::path::Path;

use zeroize::Zeroizing;

use crate::auth::Caller;

/// Environment variable with SigV4 callers.
pub const CREDENTIALS_VAR: &str = "SEALKIT_KEY_SERVER_CREDENTIALS";
/// Environment variable with bearer-token callers.
pub const BEARER_VAR: &str = "SEALKIT_KEY_SERVER_BEARER";

#[derive(Default)]
struct Section {
    name: String,
    akid: Option<String>,
    secret: Option<Zeroizing<String>>,
    session_token: Option<Zeroizing<String>>,
    bearer: Option<Zeroizing<String>>,
    principal: Option<String>,
}

impl Section {
    fn into_caller(self, default_principal: &str) -> Result<Caller, String> {
        let principal = self
            .principal
            .unwrap_or_else(|| default_principal.to_string());
        match (self.akid, self.secret, self.bearer) {
            (Some(access_key_id), Some(secret), None)
                if !access_key_id.is_empty() && !secret.is_empty() =>
            {
                Ok(Caller::SigV4 {
                    access_key_id,
                    secret,
                    session_token: self.session_token,
                    principal,
                })
            }
            (None, None, Some(token)) if !token.is_empty() => {
                Ok(Caller::Bearer { token, principal })
            }
            _ => Err(format!(
                "section [{}] needs aws_access_key_id and aws_secret_access_key, or bearer_token",
                self.name
            )),
        }
    }
}

/// The callers of a credentials file (content `text`, named `origin` in errors).
pub fn parse_file(
    text: &str,
    origin: &str,
    default_principal: &str,
) -> Result<Vec<Caller>, String> {
    let mut sections: Vec<Section> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push(Section {
                name: name.trim().to_string(),
                ..Default::default()
            });
            continue;
        }
        let at = || format!("{origin} line {}", n + 1);
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("{}: expected key = value", at()))?;
        let section = sections
            .last_mut()
            .ok_or_else(|| format!("{}: key outside a [section]", at()))?;
        let v = v.trim().to_string();
        match k.trim() {
            "aws_access_key_id" => section.akid = Some(v),
            "aws_secret_access_key" => section.secret = Some(Zeroizing::new(v)),
            "aws_session_token" => section.session_token = Some(Zeroizing::new(v)),
            "bearer_token" => section.bearer = Some(Zeroizing::new(v)),
            "principal_arn" => section.principal = Some(v),
            // other shared-config keys (region, output, ...) do not concern the server
            _ => {}
        }
    }
    sections
        .into_iter()
        .map(|s| s.into_caller(default_principal))
        .collect()
}

/// Reads and parses a credentials file.
pub fn read_file(path: &Path, default_principal: &str) -> Result<Vec<Caller>, String> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
    );
    parse_file(&text, &path.display().to_string(), default_principal)
}

/// The callers named by the environment variables.
pub fn from_env() -> Result<Vec<Caller>, String> {
    let mut callers = Vec::new();
    if let Ok(v) = std::env::var(CREDENTIALS_VAR) {
        let v = Zeroizing::new(v);
        for entry in v.split_whitespace() {
            let mut parts = entry.splitn(3, ':');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(akid), Some(secret), Some(principal))
                    if !akid.is_empty() && !secret.is_empty() && !principal.is_empty() =>
                {
                    callers.push(Caller::SigV4 {
                        access_key_id: akid.into(),
                        secret: Zeroizing::new(secret.into()),
                        session_token: None,
                        principal: principal.into(),
                    })
                }
                _ => {
                    return Err(format!(
                        "{CREDENTIALS_VAR} entries must be AKID:SECRET:PRINCIPAL_ARN"
                    ))
                }
            }
        }
    }
    if let Ok(v) = std::env::var(BEARER_VAR) {
        let v = Zeroizing::new(v);
        for entry in v.split_whitespace() {
            match entry.split_once(':') {
                Some((token, principal)) if !token.is_empty() && !principal.is_empty() => callers
                    .push(Caller::Bearer {
                        token: Zeroizing::new(token.into()),
                        principal: principal.into(),
                    }),
                _ => return Err(format!("{BEARER_VAR} entries must be TOKEN:PRINCIPAL_ARN")),
            }
        }
    }
    Ok(callers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sigv4_and_bearer_sections() {
        let text = "[default]\naws_access_key_id = AK\naws_secret_access_key = s/+k\nregion = x\n\n# c\n[gw]\nbearer_token=t\nprincipal_arn=arn:aws:iam::1:role/gw\n";
        let callers = parse_file(text, "f", "arn:aws:iam::1:root").unwrap();
        assert_eq!(callers.len(), 2);
        match &callers[0] {
            Caller::SigV4 {
                access_key_id,
                secret,
                principal,
                session_token,
            } => {
                assert_eq!(access_key_id, "AK");
                assert_eq!(secret.as_str(), "s/+k");
                assert_eq!(principal, "arn:aws:iam::1:root");
                assert!(session_token.is_none());
            }
            Caller::Bearer { .. } => panic!("expected SigV4"),
        }
        assert!(
            matches!(&callers[1], Caller::Bearer { principal, .. } if principal == "arn:aws:iam::1:role/gw")
        );
    }

    #[test]
    fn refuses_incomplete_sections_and_stray_keys() {
        assert!(parse_file("[a]\naws_access_key_id = AK\n", "f", "p").is_err());
        assert!(parse_file("aws_access_key_id = AK\n", "f", "p").is_err());
        assert!(parse_file("[a]\nnot a pair\n", "f", "p").is_err());
    }
}
