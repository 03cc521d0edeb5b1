//! The decrypt side every keyring shares (spec: framework/keyring-interface.md, "OnDecrypt"):
//! a keyring tries, in order, each encrypted data key it could have made; the first that
//! unwraps wins; when none does, the error lists every one it tried and why it failed, or says
//! that none was this keyring's. Written once here, used by every keyring.

use crate::error::Error;

/// The unwrap attempts of one keyring in one decryption.
pub(crate) struct Attempts {
    keyring: String,
    failures: Vec<String>,
}

impl Attempts {
    /// Attempts of the keyring described as `keyring` (its kind and key name, as errors show it).
    pub(crate) fn new(keyring: impl Into<String>) -> Self {
        Attempts {
            keyring: keyring.into(),
            failures: Vec::new(),
        }
    }

    /// EDK number `index` was this keyring's, but did not unwrap, for reason `why`.
    pub(crate) fn failed(&mut self, index: usize, why: impl core::fmt::Display) {
        self.failures
            .push(format!("{}: EDK #{index}: {why}", self.keyring));
    }

    /// Nothing unwrapped: [`Error::NoDecryptingKeyring`] with every failure, or with `none`
    /// when no EDK was this keyring's to try.
    pub(crate) fn none_unwrapped(mut self, none: &str) -> Error {
        if self.failures.is_empty() {
            self.failures.push(format!("{}: {none}", self.keyring));
        }
        Error::NoDecryptingKeyring(self.failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_failure_or_that_none_was_tried() {
        let mut a = Attempts::new("raw AES keyring ns/k");
        a.failed(2, "AES-GCM unwrap failed");
        match a.none_unwrapped("no EDK with this key") {
            Error::NoDecryptingKeyring(list) => {
                assert_eq!(
                    list,
                    ["raw AES keyring ns/k: EDK #2: AES-GCM unwrap failed"]
                )
            }
            e => panic!("{e:?}"),
        }
        match Attempts::new("k").none_unwrapped("no EDK with this key") {
            Error::NoDecryptingKeyring(list) => assert_eq!(list, ["k: no EDK with this key"]),
            e => panic!("{e:?}"),
        }
    }
}
