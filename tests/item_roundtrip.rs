//! Item encryption round trips (every type × action, both suites, header v1/v2, non-ASCII names,
//! empty values, nesting), tampering (each attribute, header, footer), keyrings and config rules.

#[path = "support/item.rs"]
mod item_support;
mod support;

use sealkit::item::AttributeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use item_support::canonical_item;
use sealkit::future::BoxFuture;
use sealkit::item::{AttributeValue as V, CryptoAction, Item, ItemEncryptor, ItemEncryptorConfig};
use sealkit::keyring::hierarchical::{
    BranchKey, BranchKeyCache, BranchKeyStore, ContextKeySupplier, HierarchicalKeyring,
    InMemoryBranchKeyStore, ManualClock,
};
use sealkit::{block_on, Error, Keyring, MultiKeyring, RawAesKeyring};

const A: CryptoAction = CryptoAction::EncryptAndSign;
const S: CryptoAction = CryptoAction::SignOnly;
const C: CryptoAction = CryptoAction::SignAndIncludeInEncryptionContext;
const N: CryptoAction = CryptoAction::DoNothing;

fn aes(name: &str, byte: u8) -> Arc<dyn Keyring> {
    Arc::new(RawAesKeyring::new("ns", name, &[byte; 32]).unwrap())
}

/// One value of every type, including empty and nested ones.
fn sample_values() -> Vec<(&'static str, V)> {
    let mut nested = AttributeMap::new();
    nested.insert(
        "k".to_string(),
        V::L(vec![
            V::Bool(true),
            V::Null,
            V::N("-0.000".into()),
            V::M(AttributeMap::new()),
        ]),
    );
    nested.insert(
        "ñ".to_string(),
        V::Ss(vec!["b".into(), "a".into(), "😀".into(), "～".into()]),
    );
    vec![
        ("s", V::S("hello".into())),
        ("s_empty", V::S(String::new())),
        ("n", V::N("0055.50".into())),
        ("b", V::B(vec![0, 1, 2, 255])),
        ("b_empty", V::B(Vec::new())),
        ("t", V::Bool(true)),
        ("f", V::Bool(false)),
        ("null", V::Null),
        (
            "l",
            V::L(vec![
                V::S("x".into()),
                V::L(vec![V::N("1e2".into())]),
                V::B(vec![]),
            ]),
        ),
        ("l_empty", V::L(Vec::new())),
        ("m", V::M(nested)),
        ("m_empty", V::M(AttributeMap::new())),
        ("ss", V::Ss(vec!["z".into(), "a".into(), String::new()])),
        ("ns", V::Ns(vec!["3".into(), "1e2".into(), "2.50".into()])),
        ("bs", V::Bs(vec![vec![2], vec![1], vec![]])),
        ("ss_empty", V::Ss(Vec::new())),
    ]
}

/// An item with one attribute per (type, action) and the config that goes with it.
fn fixture(
    actions: &[CryptoAction],
    suite: u16,
    keyring: Arc<dyn Keyring>,
) -> (ItemEncryptor, Item) {
    let v2 = actions.contains(&C);
    let key_action = if v2 { C } else { S };
    let mut config = ItemEncryptorConfig::new("my-table", "pk", keyring);
    config.sort_key = Some("sk".into());
    config.algorithm_suite_id = suite;
    config.allowed_unsigned_attribute_prefix = Some(":".into());
    config.attribute_actions.insert("pk".into(), key_action);
    config.attribute_actions.insert("sk".into(), key_action);
    let mut item = Item::new();
    item.insert("pk".into(), V::S("tenant-1".into()));
    item.insert("sk".into(), V::N("007".into()));
    for (type_name, value) in sample_values() {
        for action in actions {
            let prefix = match *action {
                A => "e_",
                S => "s_",
                C => "c_",
                N => ":u_",
            };
            let name = format!("{prefix}{type_name}");
            config.attribute_actions.insert(name.clone(), *action);
            item.insert(name, value.clone());
        }
    }
    (ItemEncryptor::new(config).unwrap(), item)
}

fn bin(item: &Item, name: &str) -> Vec<u8> {
    item[name].as_binary().unwrap().to_vec()
}

#[test]
fn every_type_and_action_both_suites_both_header_versions() {
    for suite in [0x6701u16, 0x6700] {
        for (actions, version) in [(&[A, S, N][..], 1u8), (&[A, S, C, N][..], 2u8)] {
            let (enc, item) = fixture(actions, suite, aes("k", 1));
            let encrypted = block_on(enc.encrypt_item(&item)).unwrap();
            let head = bin(&encrypted, "aws_dbe_head");
            assert_eq!(head[0], version, "header version");
            assert_eq!(head[1], (suite & 0xff) as u8, "flavor");
            let foot = bin(&encrypted, "aws_dbe_foot");
            assert_eq!(foot.len(), if suite == 0x6701 { 48 + 103 } else { 48 });
            for (name, value) in &item {
                if name.starts_with("e_") {
                    assert!(matches!(encrypted[name], V::B(_)), "{name} encrypted");
                } else {
                    assert_eq!(&encrypted[name], value, "{name} passes through unchanged");
                }
            }
            let decrypted = block_on(enc.decrypt_item(&encrypted)).unwrap();
            assert_eq!(
                canonical_item(&decrypted),
                canonical_item(&item),
                "suite {suite:x} v{version}"
            );
        }
    }
}

#[test]
fn non_ascii_names() {
    let mut config = ItemEncryptorConfig::new("tábla", "ñame", aes("k", 2));
    let mut item = Item::new();
    for (name, action) in [
        ("ñame", S),
        ("😀x", A),
        ("日本", A),
        ("～", S),
        ("abc", A),
        ("é", S),
    ] {
        config.attribute_actions.insert(name.into(), action);
        item.insert(name.into(), V::S(format!("value of {name}")));
    }
    let enc = ItemEncryptor::new(config).unwrap();
    let encrypted = block_on(enc.encrypt_item(&item)).unwrap();
    // Legend order: by UTF-16 length, then UTF-8 bytes: é(1) ～(1)… ñame(4)
    let head = bin(&encrypted, "aws_dbe_head");
    assert_eq!(&head[34..36], &[0, 6]);
    assert_eq!(block_on(enc.decrypt_item(&encrypted)).unwrap(), item);
}

fn expect_err_naming(enc: &ItemEncryptor, item: &Item, name: &str, what: &str) -> Error {
    match block_on(enc.decrypt_item(item)) {
        Ok(_) => panic!("{what}: decrypt succeeded"),
        Err(e) => {
            assert!(
                e.to_string().contains(&format!("'{name}'")),
                "{what}: error does not name '{name}': {e}"
            );
            e
        }
    }
}

fn modified(v: &V) -> V {
    match v {
        V::B(b) => {
            let mut b = b.clone();
            match b.last_mut() {
                Some(x) => *x ^= 1,
                None => b.push(0),
            }
            V::B(b)
        }
        V::S(s) => V::S(format!("{s}!")),
        V::N(n) => V::N(format!("{n}1")),
        V::Bool(b) => V::Bool(!b),
        V::Null => V::Bool(false),
        V::L(l) => V::L(l.iter().cloned().chain([V::Null]).collect()),
        V::M(m) => {
            let mut m = m.clone();
            m.insert("extra".into(), V::Null);
            V::M(m)
        }
        V::Ss(s) => V::Ss(s.iter().cloned().chain(["new".to_string()]).collect()),
        V::Ns(s) => V::Ns(s.iter().cloned().chain(["12345".to_string()]).collect()),
        V::Bs(s) => V::Bs(s.iter().cloned().chain([vec![9, 9, 9]]).collect()),
    }
}

#[test]
fn tampering_each_attribute_fails_naming_it() {
    for suite in [0x6701u16, 0x6700] {
        for actions in [&[A, S, N][..], &[A, S, C, N][..]] {
            let (enc, item) = fixture(actions, suite, aes("k", 3));
            let encrypted = block_on(enc.encrypt_item(&item)).unwrap();
            for (name, value) in &encrypted {
                if name.starts_with("aws_dbe_") {
                    continue;
                }
                let mut t = encrypted.clone();
                t.insert(name.clone(), modified(value));
                if name.starts_with(":u_") {
                    // Unsigned attributes may change freely.
                    assert!(block_on(enc.decrypt_item(&t)).is_ok(), "unsigned {name}");
                    continue;
                }
                expect_err_naming(&enc, &t, name, &format!("modify {name} (suite {suite:x})"));
                // Removing it is detected too, and named from the configuration.
                let mut t = encrypted.clone();
                t.remove(name);
                if name == "pk" || name == "sk" {
                    assert!(block_on(enc.decrypt_item(&t)).is_err());
                } else {
                    expect_err_naming(&enc, &t, name, &format!("remove {name}"));
                }
            }
        }
    }
}

#[test]
fn added_and_renamed_attributes_fail_naming_them() {
    let (enc, item) = fixture(&[A, S, N], 0x6701, aes("k", 4));
    let encrypted = block_on(enc.encrypt_item(&item)).unwrap();
    let mut added = encrypted.clone();
    added.insert("intruder".into(), V::S("x".into()));
    expect_err_naming(&enc, &added, "intruder", "added attribute");
    // An unsigned-prefix attribute may be added.
    let mut added = encrypted.clone();
    added.insert(":note".into(), V::S("x".into()));
    assert!(block_on(enc.decrypt_item(&added)).is_ok());
    // A reserved-prefix attribute other than the header and footer (a beacon, say) is outside the
    // signature scope and passes through unchanged, as in the DB-ESDK's DecryptItem
    // (decrypt-item.md#signature-scope); the header and footer never do.
    let mut beacon = encrypted.clone();
    beacon.insert("aws_dbe_b_email".into(), V::S("3f2a".into()));
    let plain = block_on(enc.decrypt_item(&beacon)).unwrap();
    assert_eq!(plain["aws_dbe_b_email"], V::S("3f2a".into()));
    assert!(!plain.contains_key("aws_dbe_head") && !plain.contains_key("aws_dbe_foot"));
    for old in ["s_s", "e_s"] {
        let mut renamed = encrypted.clone();
        let v = renamed.remove(old).unwrap();
        renamed.insert(format!("{old}2"), v);
        expect_err_naming(&enc, &renamed, &format!("{old}2"), "renamed attribute");
    }
    // Swapping two encrypted values fails on the attribute whose ciphertext moved.
    let mut swapped = encrypted.clone();
    let (a, b) = (swapped["e_s"].clone(), swapped["e_n"].clone());
    swapped.insert("e_s".into(), b);
    swapped.insert("e_n".into(), a);
    let e = block_on(enc.decrypt_item(&swapped)).unwrap_err();
    assert!(
        e.to_string().contains("'e_n'") || e.to_string().contains("'e_s'"),
        "{e}"
    );
}

#[test]
fn tampering_header_or_footer_fails() {
    for suite in [0x6701u16, 0x6700] {
        let (enc, item) = fixture(&[A, S, C, N], suite, aes("k", 5));
        let encrypted = block_on(enc.encrypt_item(&item)).unwrap();
        for attr in ["aws_dbe_head", "aws_dbe_foot"] {
            let bytes = bin(&encrypted, attr);
            for i in 0..bytes.len() {
                let mut b = bytes.clone();
                b[i] ^= 0x01;
                let mut t = encrypted.clone();
                t.insert(attr.into(), V::B(b));
                assert!(
                    block_on(enc.decrypt_item(&t)).is_err(),
                    "{attr} byte {i} (suite {suite:x})"
                );
            }
            let mut t = encrypted.clone();
            t.insert(attr.into(), V::B(bytes[..bytes.len() - 1].to_vec()));
            assert!(block_on(enc.decrypt_item(&t)).is_err(), "{attr} truncated");
            let mut t = encrypted.clone();
            t.remove(attr);
            expect_err_naming(&enc, &t, attr, "missing header/footer");
        }
        // A footer from another encryption of the same item does not verify.
        let other = block_on(enc.encrypt_item(&item)).unwrap();
        let mut t = encrypted.clone();
        t.insert("aws_dbe_foot".into(), other["aws_dbe_foot"].clone());
        assert!(block_on(enc.decrypt_item(&t)).is_err());
        // The commitment catches a changed legend or message id, naming the header.
        let mut h = bin(&encrypted, "aws_dbe_head");
        h[5] ^= 0x80;
        let mut t = encrypted.clone();
        t.insert("aws_dbe_head".into(), V::B(h));
        expect_err_naming(&enc, &t, "aws_dbe_head", "message id");
    }
}

#[test]
fn wrong_key_and_wrong_table_fail() {
    let (enc, item) = fixture(&[A, S], 0x6701, aes("k", 6));
    let encrypted = block_on(enc.encrypt_item(&item)).unwrap();
    let (other_key, _) = fixture(&[A, S], 0x6701, aes("k", 7));
    assert!(matches!(
        block_on(other_key.decrypt_item(&encrypted)),
        Err(Error::NoDecryptingKeyring(_))
    ));
    let mut config = enc.config().clone();
    config.table_name = "other-table".into();
    assert!(block_on(ItemEncryptor::new(config).unwrap().decrypt_item(&encrypted)).is_err());
}

#[test]
fn multi_keyring_wraps_a_distinct_intermediate_key_per_recipient() {
    let multi: Arc<dyn Keyring> =
        Arc::new(MultiKeyring::new(Some(aes("a", 8)), vec![aes("b", 9)]).unwrap());
    let (enc, item) = fixture(&[A, S], 0x6700, multi);
    let encrypted = block_on(enc.encrypt_item(&item)).unwrap();
    let foot = bin(&encrypted, "aws_dbe_foot");
    assert_eq!(foot.len(), 96);
    assert_ne!(foot[..48], foot[48..], "each recipient has its own tag key");
    for single in [aes("a", 8), aes("b", 9)] {
        let mut config = enc.config().clone();
        config.keyring = single;
        let dec = ItemEncryptor::new(config).unwrap();
        assert_eq!(
            canonical_item(&block_on(dec.decrypt_item(&encrypted)).unwrap()),
            canonical_item(&item)
        );
    }
}

struct CountingStore {
    inner: InMemoryBranchKeyStore,
    calls: AtomicUsize,
}

impl BranchKeyStore for CountingStore {
    fn get_active_branch_key<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, sealkit::Result<BranchKey>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_active_branch_key(id)
    }
    fn get_branch_key_version<'a>(
        &'a self,
        id: &'a str,
        v: &'a str,
    ) -> BoxFuture<'a, sealkit::Result<BranchKey>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.get_branch_key_version(id, v)
    }
}

#[test]
fn hierarchical_keyring_rotation_cache_and_tenants() {
    let store = Arc::new(CountingStore {
        inner: InMemoryBranchKeyStore::new(),
        calls: AtomicUsize::new(0),
    });
    let id = store.inner.create_branch_key(Some("tenant-a-key")).unwrap();
    let clock = Arc::new(ManualClock::new(1_000));
    let cache = Arc::new(BranchKeyCache::with_clock(
        Duration::from_secs(60),
        10,
        clock.clone(),
    ));
    let keyring: Arc<dyn Keyring> = Arc::new(
        HierarchicalKeyring::new(store.clone(), &id)
            .unwrap()
            .with_cache(cache),
    );
    let (enc, item) = fixture(&[A, S, C], 0x6701, keyring);
    let first = block_on(enc.encrypt_item(&item)).unwrap();
    block_on(enc.encrypt_item(&item)).unwrap();
    assert_eq!(
        store.calls.load(Ordering::SeqCst),
        1,
        "second encrypt served from the cache"
    );
    // EDK layout: provider id, branch key id, 140-byte ciphertext (48 encrypted PDK + 92).
    let head = bin(&first, "aws_dbe_head");
    let needle = b"aws-kms-hierarchy";
    assert!(head.windows(needle.len()).any(|w| w == needle));
    // Rotate: after the TTL the new version encrypts; both versions still decrypt.
    store.inner.version_branch_key(&id).unwrap();
    clock.advance(61_000);
    let second = block_on(enc.encrypt_item(&item)).unwrap();
    assert_ne!(
        head[head.len() - 32 - 140 + 28..][..16],
        bin(&second, "aws_dbe_head")[head.len() - 32 - 140 + 28..][..16]
    );
    for e in [&first, &second] {
        assert_eq!(
            canonical_item(&block_on(enc.decrypt_item(e)).unwrap()),
            canonical_item(&item)
        );
    }

    // Multi-tenant: the branch key follows the item's SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT attribute.
    let tenants_store = Arc::new(InMemoryBranchKeyStore::new());
    let ka = tenants_store.create_branch_key(Some("key-a")).unwrap();
    let kb = tenants_store.create_branch_key(Some("key-b")).unwrap();
    let mut map = std::collections::BTreeMap::new();
    map.insert("tenant-1".to_string(), ka);
    map.insert("tenant-2".to_string(), kb);
    let supplier = Arc::new(ContextKeySupplier::new("aws-crypto-attr.pk").with_tenants(map));
    let keyring: Arc<dyn Keyring> =
        Arc::new(HierarchicalKeyring::with_supplier(tenants_store, supplier));
    let (enc, mut item) = fixture(&[A, C], 0x6700, keyring);
    for tenant in ["tenant-1", "tenant-2"] {
        item.insert("pk".into(), V::S(tenant.into()));
        let e = block_on(enc.encrypt_item(&item)).unwrap();
        let head = bin(&e, "aws_dbe_head");
        let want = if tenant == "tenant-1" {
            b"key-a"
        } else {
            b"key-b"
        };
        assert!(head.windows(5).any(|w| w == want), "{tenant} uses its key");
        assert_eq!(
            canonical_item(&block_on(enc.decrypt_item(&e)).unwrap()),
            canonical_item(&item)
        );
    }
    item.insert("pk".into(), V::S("tenant-3".into()));
    assert!(block_on(enc.encrypt_item(&item)).is_err(), "unknown tenant");
}

fn config_with(actions: &[(&str, CryptoAction)]) -> ItemEncryptorConfig {
    let mut c = ItemEncryptorConfig::new("t", "pk", aes("k", 1));
    for (n, a) in actions {
        c.attribute_actions.insert((*n).into(), *a);
    }
    c
}

fn config_error(c: ItemEncryptorConfig) -> String {
    ItemEncryptor::new(c).unwrap_err().to_string()
}

#[test]
fn config_validation_errors() {
    let e = config_error(config_with(&[("pk", A)]));
    assert!(e.contains("'pk'") && e.contains("SIGN_ONLY"), "{e}");
    let e = config_error(config_with(&[("pk", S), ("x", C)]));
    assert!(
        e.contains("'pk'") && e.contains("SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT"),
        "{e}"
    );
    let mut c = config_with(&[("pk", S)]);
    c.sort_key = Some("sk".into());
    assert!(config_error(c).contains("'sk'"));
    assert!(config_error(config_with(&[])).contains("'pk'"));
    let e = config_error(config_with(&[("pk", S), ("aws_dbe_x", S)]));
    assert!(e.contains("'aws_dbe_x'") && e.contains("reserved"), "{e}");
    let e = config_error(config_with(&[("pk", S), ("note", N)]));
    assert!(e.contains("'note'") && e.contains("DO_NOTHING"), "{e}");
    let mut c = config_with(&[("pk", S), ("note", S)]);
    c.allowed_unsigned_attributes.insert("note".into());
    assert!(config_error(c).contains("'note'"));
    let mut c = config_with(&[("pk", S), (":note", S)]);
    c.allowed_unsigned_attribute_prefix = Some(":".into());
    assert!(config_error(c).contains("':note'"));
    let mut c = config_with(&[("pk", S)]);
    c.algorithm_suite_id = 0x0578;
    assert!(config_error(c).contains("0x0578"));
    let mut c = config_with(&[("pk", S)]);
    c.table_name.clear();
    assert!(ItemEncryptor::new(c).is_err());
    assert_eq!("SIGN_ONLY".parse::<CryptoAction>().unwrap(), S);
    assert!("SIGN".parse::<CryptoAction>().is_err());
}

#[test]
fn item_rules_on_encrypt() {
    let enc = ItemEncryptor::new(config_with(&[("pk", S), ("ssn", A)])).unwrap();
    let mut item = Item::new();
    item.insert("pk".into(), V::S("1".into()));
    item.insert("nickname".into(), V::S("x".into()));
    let e = block_on(enc.encrypt_item(&item)).unwrap_err();
    assert_eq!(e.code(), "ERR_ITEM");
    assert!(
        e.to_string()
            .contains("no crypto action configured for attribute 'nickname'"),
        "{e}"
    );
    let mut item = Item::new();
    item.insert("ssn".into(), V::S("1".into()));
    assert!(block_on(enc.encrypt_item(&item))
        .unwrap_err()
        .to_string()
        .contains("'pk'"));
    let mut item = Item::new();
    item.insert("pk".into(), V::S("1".into()));
    item.insert("aws_dbe_head".into(), V::B(vec![]));
    assert!(block_on(enc.encrypt_item(&item))
        .unwrap_err()
        .to_string()
        .contains("reserved"));
    let mut item = Item::new();
    item.insert("pk".into(), V::N("1e999".into()));
    assert!(block_on(enc.encrypt_item(&item))
        .unwrap_err()
        .to_string()
        .contains("'pk'"));
    let mut item = Item::new();
    item.insert("pk".into(), V::S("1".into()));
    item.insert("ssn".into(), V::Ss(vec!["a".into(), "a".into()]));
    assert!(block_on(enc.encrypt_item(&item))
        .unwrap_err()
        .to_string()
        .contains("'ssn'"));

    // With a default action, unlisted attributes use it; missing SIGN_AND_INCLUDE attributes are refused.
    let mut c = config_with(&[("pk", C), ("tenant", C)]);
    c.default_action = Some(A);
    let enc = ItemEncryptor::new(c).unwrap();
    let mut item = Item::new();
    item.insert("pk".into(), V::S("1".into()));
    item.insert("nickname".into(), V::S("x".into()));
    assert!(block_on(enc.encrypt_item(&item))
        .unwrap_err()
        .to_string()
        .contains("'tenant'"));
    item.insert("tenant".into(), V::S("t".into()));
    let e = block_on(enc.encrypt_item(&item)).unwrap();
    assert!(matches!(e["nickname"], V::B(_)));
    assert_eq!(block_on(enc.decrypt_item(&e)).unwrap(), item);
}

/// A limit error: its code, and the limit it names.
fn item_limit(e: Error) -> (&'static str, usize, Option<String>) {
    assert_eq!(e.code(), "ERR_ITEM_LIMIT", "{e}");
    match e {
        Error::ItemLimit {
            limit,
            max,
            attribute,
            ..
        } => (limit, max, attribute),
        other => panic!("not an item limit: {other}"),
    }
}

#[test]
fn item_limits_on_encrypt_and_decrypt() {
    use sealkit::item::ItemLimits;
    let limits = ItemLimits {
        max_attributes: 3,
        max_depth: 2,
        max_value_len: 100,
    };
    let mut c = config_with(&[("pk", S), ("e", A), ("s", S)]);
    c.limits = limits;
    let enc = ItemEncryptor::new(c).unwrap();
    // At every limit: a 100-byte encrypted value, depth 2, three attributes; it round-trips
    // (the stored `B` value is 18 bytes longer and the header and footer are not counted).
    let mut item = Item::new();
    item.insert("pk".into(), V::S("p".into()));
    item.insert("e".into(), V::S("x".repeat(100)));
    item.insert("s".into(), V::L(vec![V::L(vec![V::Null])]));
    let stored = block_on(enc.encrypt_item(&item)).unwrap();
    assert_eq!(block_on(enc.decrypt_item(&stored)).unwrap(), item);

    let over = |name: &str, v: V| {
        let mut i = item.clone();
        i.insert(name.into(), v);
        i
    };
    let e = block_on(enc.encrypt_item(&over("e", V::S("x".repeat(101))))).unwrap_err();
    assert_eq!(item_limit(e), ("value length", 100, Some("e".into())));
    let e =
        block_on(enc.encrypt_item(&over("s", V::L(vec![V::L(vec![V::L(vec![])])])))).unwrap_err();
    assert_eq!(item_limit(e), ("nesting depth", 2, Some("s".into())));
    let e = block_on(enc.encrypt_item(&over("t", V::Null))).unwrap_err();
    assert_eq!(item_limit(e), ("attributes", 3, None));

    // A stored item over a limit is refused before its header is even parsed.
    let mut bad = stored.clone();
    bad.insert(":extra".into(), V::Null);
    let e = block_on(enc.decrypt_item(&bad)).unwrap_err();
    assert_eq!(item_limit(e), ("attributes", 3, None));
    let mut bad = stored.clone();
    bad.insert("aws_dbe_head".into(), V::B(vec![0xff; 3]));
    bad.insert("s".into(), V::B(vec![0; 119]));
    let e = block_on(enc.decrypt_item(&bad)).unwrap_err();
    assert_eq!(item_limit(e), ("value length", 100, Some("s".into())));

    // Limits themselves are checked; the maximum depth is DynamoDB's 32.
    let mut c = config_with(&[("pk", S)]);
    c.limits.max_depth = 33;
    assert!(config_error(c).contains("max_depth"));
    let defaults = ItemLimits::default();
    assert_eq!(
        (
            defaults.max_attributes,
            defaults.max_depth,
            defaults.max_value_len
        ),
        (4096, 32, 409_600)
    );
}

#[test]
fn an_item_limit_error_never_shows_the_value() {
    let mut c = config_with(&[("pk", S), ("secret", A)]);
    c.limits.max_value_len = 8;
    let enc = ItemEncryptor::new(c).unwrap();
    let mut item = Item::new();
    item.insert("pk".into(), V::S("p".into()));
    item.insert("secret".into(), V::S("hunter2-hunter2".into()));
    let e = block_on(enc.encrypt_item(&item)).unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("'secret'"), "{shown}");
}
