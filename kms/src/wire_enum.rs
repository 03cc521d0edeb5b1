//! String enums of the KMS API (`SYMMETRIC_DEFAULT`, `RSAES_OAEP_SHA_256`, ...).
//!
//! Each enum keeps an `Unknown(String)` variant so a newer service value never breaks parsing.

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vm])* $var,)*
            /// A value this crate does not know (kept verbatim).
            Unknown(String),
        }

        impl $name {
            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$var => $s,)*
                    Self::Unknown(s) => s,
                }
            }

            /// Parses a wire string; unknown values become `Unknown`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($s => Self::$var,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as serde::Deserialize>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}

pub(crate) use wire_enum;
