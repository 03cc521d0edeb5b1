//! Behaviour of the embedded local KMS.

use sealkit_kms::clock::ManualClock;
use sealkit_kms::local::{AuditFilter, LocalKms, LocalKmsClient};
use sealkit_kms::*;
use std::sync::Arc;

const ACCT: &str = "111122223333";
const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const BOB: &str = "arn:aws:iam::111122223333:user/bob";
const EVE: &str = "arn:aws:iam::999988887777:user/eve";
const DAY: u64 = 86_400;

fn setup() -> (LocalKms, Arc<ManualClock>, LocalKmsClient) {
    let (kms, clock) = LocalKms::with_manual_clock(1_700_000_000);
    let c = kms.client("us-east-1", ALICE).unwrap();
    (kms, clock, c)
}

fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn create(c: &LocalKmsClient, req: CreateKeyRequest) -> KeyMetadata {
    block_on(c.create_key(req)).unwrap().key_metadata
}

fn sym(c: &LocalKmsClient) -> String {
    create(c, CreateKeyRequest::default()).arn
}

fn enc(
    c: &LocalKmsClient,
    key: &str,
    pt: &[u8],
    ec: &EncryptionContext,
) -> Result<EncryptResponse, KmsError> {
    block_on(c.encrypt(EncryptRequest {
        key_id: key.to_string(),
        plaintext: pt.to_vec().into(),
        encryption_context: ec.clone(),
        ..Default::default()
    }))
}

fn dec(
    c: &LocalKmsClient,
    blob: &[u8],
    ec: &EncryptionContext,
    key: Option<&str>,
) -> Result<DecryptResponse, KmsError> {
    block_on(c.decrypt(DecryptRequest {
        ciphertext_blob: blob.to_vec(),
        encryption_context: ec.clone(),
        key_id: key.map(str::to_string),
        ..Default::default()
    }))
}

fn name<T: std::fmt::Debug>(r: Result<T, KmsError>) -> String {
    r.expect_err("expected an error").name
}

#[test]
fn symmetric_roundtrip_and_context_binding() {
    let (_kms, _clock, c) = setup();
    let key = sym(&c);
    assert!(key.starts_with(&format!("arn:aws:kms:us-east-1:{ACCT}:key/")));
    let ec = ctx(&[("purpose", "test"), ("tenant", "a")]);
    let ct = enc(&c, &key, b"hello", &ec).unwrap();
    assert_eq!(ct.key_id, key);
    assert_eq!(
        ct.encryption_algorithm,
        Some(EncryptionAlgorithm::SymmetricDefault)
    );
    let pt = dec(&c, &ct.ciphertext_blob, &ec, None).unwrap();
    assert_eq!(pt.plaintext.as_slice(), b"hello");
    assert_eq!(pt.key_id, key);
    assert_eq!(
        name(dec(
            &c,
            &ct.ciphertext_blob,
            &ctx(&[("purpose", "other"), ("tenant", "a")]),
            None
        )),
        names::INVALID_CIPHERTEXT
    );
    assert_eq!(
        name(dec(&c, &ct.ciphertext_blob, &ctx(&[]), None)),
        names::INVALID_CIPHERTEXT
    );
    assert_eq!(
        name(dec(
            &c,
            &ct.ciphertext_blob,
            &ctx(&[("purpose", "test"), ("tenant", "a"), ("x", "y")]),
            None
        )),
        names::INVALID_CIPHERTEXT
    );
    // Bit flips and garbage are InvalidCiphertext, never a panic.
    let mut bad = ct.ciphertext_blob.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(name(dec(&c, &bad, &ec, None)), names::INVALID_CIPHERTEXT);
    for garbage in [&b"x"[..], b"SK\x01", b"SK\x01\xff", &[0u8; 100]] {
        assert!(dec(&c, garbage, &ec, None).is_err());
    }
    assert_eq!(name(dec(&c, &[], &ec, None)), names::VALIDATION);
}

#[test]
fn encrypt_limits() {
    let (_kms, _clock, c) = setup();
    let key = sym(&c);
    assert!(enc(&c, &key, &[7u8; 4096], &ctx(&[])).is_ok());
    assert_eq!(
        name(enc(&c, &key, &[7u8; 4097], &ctx(&[]))),
        names::VALIDATION
    );
    assert_eq!(name(enc(&c, &key, &[], &ctx(&[]))), names::VALIDATION);
    assert_eq!(
        name(enc(&c, "no-such-key", b"x", &ctx(&[]))),
        names::NOT_FOUND
    );
    assert_eq!(
        name(enc(
            &c,
            "arn:aws:kms:us-east-1:111122223333:key/nope",
            b"x",
            &ctx(&[])
        )),
        names::NOT_FOUND
    );
}

#[test]
fn generate_data_key_variants() {
    let (_kms, _clock, c) = setup();
    let key = sym(&c);
    let ec = ctx(&[("a", "b")]);
    let gen = |n: Option<u32>, s: Option<DataKeySpec>| {
        block_on(c.generate_data_key(GenerateDataKeyRequest {
            key_id: key.clone(),
            encryption_context: ec.clone(),
            number_of_bytes: n,
            key_spec: s,
            ..Default::default()
        }))
    };
    assert_eq!(gen(Some(1), None).unwrap().plaintext.len(), 1);
    assert_eq!(gen(Some(1024), None).unwrap().plaintext.len(), 1024);
    assert_eq!(
        gen(None, Some(DataKeySpec::Aes128))
            .unwrap()
            .plaintext
            .len(),
        16
    );
    let dk = gen(None, Some(DataKeySpec::Aes256)).unwrap();
    assert_eq!(dk.plaintext.len(), 32);
    assert_eq!(dk.key_id, key);
    assert_eq!(name(gen(Some(0), None)), names::VALIDATION);
    assert_eq!(name(gen(Some(1025), None)), names::VALIDATION);
    assert_eq!(name(gen(None, None)), names::VALIDATION);
    assert_eq!(
        name(gen(Some(32), Some(DataKeySpec::Aes256))),
        names::VALIDATION
    );
    let back = dec(&c, &dk.ciphertext_blob, &ec, Some(&key)).unwrap();
    assert_eq!(back.plaintext, dk.plaintext);
    // Debug never shows the data key.
    let dbg = format!("{dk:?}");
    assert!(
        dbg.contains("32 secret bytes") && !dbg.contains(&format!("{:?}", dk.plaintext.as_slice()))
    );

    let np = block_on(
        c.generate_data_key_without_plaintext(GenerateDataKeyRequest {
            key_id: key.clone(),
            number_of_bytes: Some(24),
            ..Default::default()
        }),
    )
    .unwrap();
    assert_eq!(
        dec(&c, &np.ciphertext_blob, &ctx(&[]), None)
            .unwrap()
            .plaintext
            .len(),
        24
    );
}

#[test]
fn wrong_key_id_is_incorrect_key() {
    let (_kms, _clock, c) = setup();
    let (k1, k2) = (sym(&c), sym(&c));
    let ct = enc(&c, &k1, b"data", &ctx(&[])).unwrap();
    assert_eq!(
        name(dec(&c, &ct.ciphertext_blob, &ctx(&[]), Some(&k2))),
        names::INCORRECT_KEY
    );
    assert_eq!(
        name(dec(&c, &ct.ciphertext_blob, &ctx(&[]), Some("alias/none"))),
        names::NOT_FOUND
    );
    // The key id form works as well as the ARN.
    let id = k1.rsplit('/').next().unwrap();
    assert!(dec(&c, &ct.ciphertext_blob, &ctx(&[]), Some(id)).is_ok());
}

#[test]
fn re_encrypt_between_keys() {
    let (_kms, _clock, c) = setup();
    let (a, b) = (sym(&c), sym(&c));
    let ct = enc(&c, &a, b"move me", &ctx(&[("s", "1")])).unwrap();
    let re = block_on(c.re_encrypt(ReEncryptRequest {
        ciphertext_blob: ct.ciphertext_blob,
        source_encryption_context: ctx(&[("s", "1")]),
        destination_key_id: b.clone(),
        destination_encryption_context: ctx(&[("d", "2")]),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(
        (re.source_key_id.as_str(), re.key_id.as_str()),
        (a.as_str(), b.as_str())
    );
    let pt = dec(&c, &re.ciphertext_blob, &ctx(&[("d", "2")]), Some(&b)).unwrap();
    assert_eq!(pt.plaintext.as_slice(), b"move me");
}

#[test]
fn key_states() {
    let (_kms, clock, c) = setup();
    let key = sym(&c);
    let ct = enc(&c, &key, b"x", &ctx(&[])).unwrap();
    block_on(c.disable_key(KeyIdRequest::new(&key))).unwrap();
    assert_eq!(name(enc(&c, &key, b"x", &ctx(&[]))), names::DISABLED);
    assert_eq!(
        name(dec(&c, &ct.ciphertext_blob, &ctx(&[]), None)),
        names::DISABLED
    );
    let md = block_on(c.describe_key(KeyIdRequest::new(&key)))
        .unwrap()
        .key_metadata;
    assert_eq!(
        (md.key_state, md.enabled),
        (Some(KeyState::Disabled), Some(false))
    );
    block_on(c.enable_key(KeyIdRequest::new(&key))).unwrap();
    assert!(dec(&c, &ct.ciphertext_blob, &ctx(&[]), None).is_ok());

    let sched = |d: u32| {
        block_on(c.schedule_key_deletion(ScheduleKeyDeletionRequest {
            key_id: key.clone(),
            pending_window_in_days: Some(d),
        }))
    };
    assert_eq!(name(sched(6)), names::VALIDATION);
    assert_eq!(name(sched(31)), names::VALIDATION);
    let s = sched(7).unwrap();
    assert_eq!(s.key_state, Some(KeyState::PendingDeletion));
    assert_eq!(
        s.deletion_date,
        Some((clock.as_ref().now() + 7 * DAY) as f64)
    );
    assert_eq!(name(enc(&c, &key, b"x", &ctx(&[]))), names::INVALID_STATE);
    assert_eq!(
        name(dec(&c, &ct.ciphertext_blob, &ctx(&[]), None)),
        names::INVALID_STATE
    );
    block_on(c.cancel_key_deletion(KeyIdRequest::new(&key))).unwrap();
    let md = block_on(c.describe_key(KeyIdRequest::new(&key)))
        .unwrap()
        .key_metadata;
    assert_eq!(md.key_state, Some(KeyState::Disabled));
    assert_eq!(
        name(block_on(c.cancel_key_deletion(KeyIdRequest::new(&key)))),
        names::INVALID_STATE
    );

    // Once the waiting period passes, the key and its aliases are gone.
    block_on(c.create_alias(AliasRequest {
        alias_name: "alias/doomed".into(),
        target_key_id: key.clone(),
    }))
    .unwrap();
    sched(7).unwrap();
    clock.advance(7 * DAY);
    assert_eq!(
        name(block_on(c.describe_key(KeyIdRequest::new(&key)))),
        names::NOT_FOUND
    );
    let aliases = block_on(c.list_aliases(ListAliasesRequest::default()))
        .unwrap()
        .aliases;
    assert!(aliases.is_empty());
}

trait Now {
    fn now(&self) -> u64;
}
impl Now for ManualClock {
    fn now(&self) -> u64 {
        use sealkit_kms::clock::Clock;
        self.now_secs()
    }
}

#[test]
fn aliases() {
    let (_kms, _clock, c) = setup();
    let (k1, k2) = (sym(&c), sym(&c));
    let alias = |n: &str, k: &str| AliasRequest {
        alias_name: n.to_string(),
        target_key_id: k.to_string(),
    };
    block_on(c.create_alias(alias("alias/app", &k1))).unwrap();
    assert_eq!(
        name(block_on(c.create_alias(alias("alias/app", &k2)))),
        names::ALREADY_EXISTS
    );
    assert_eq!(
        name(block_on(c.create_alias(alias("alias/aws/mine", &k2)))),
        names::VALIDATION
    );
    assert_eq!(
        name(block_on(c.create_alias(alias("app2", &k2)))),
        names::VALIDATION
    );
    assert_eq!(
        name(block_on(c.create_alias(alias("alias/x", "alias/app")))),
        names::VALIDATION
    );
    let by_name = enc(&c, "alias/app", b"x", &ctx(&[])).unwrap();
    assert_eq!(by_name.key_id, k1);
    let alias_arn = format!("arn:aws:kms:us-east-1:{ACCT}:alias/app");
    assert_eq!(enc(&c, &alias_arn, b"x", &ctx(&[])).unwrap().key_id, k1);
    assert!(dec(&c, &by_name.ciphertext_blob, &ctx(&[]), Some("alias/app")).is_ok());
    // The same alias name in another region is a different alias.
    let other = _kms.client("eu-west-1", ALICE).unwrap();
    assert_eq!(
        name(enc(&other, "alias/app", b"x", &ctx(&[]))),
        names::NOT_FOUND
    );

    block_on(c.update_alias(alias("alias/app", &k2))).unwrap();
    assert_eq!(enc(&c, "alias/app", b"x", &ctx(&[])).unwrap().key_id, k2);
    block_on(c.create_alias(alias("alias/second", &k2))).unwrap();
    let list = block_on(c.list_aliases(ListAliasesRequest {
        key_id: Some(k2.clone()),
        ..Default::default()
    }))
    .unwrap()
    .aliases;
    let names_: Vec<&str> = list.iter().map(|a| a.alias_name.as_str()).collect();
    assert_eq!(names_, vec!["alias/app", "alias/second"]);
    assert_eq!(list[0].alias_arn, alias_arn);
    block_on(c.delete_alias(DeleteAliasRequest {
        alias_name: "alias/second".into(),
    }))
    .unwrap();
    assert_eq!(
        name(block_on(c.delete_alias(DeleteAliasRequest {
            alias_name: "alias/second".into()
        }))),
        names::NOT_FOUND
    );
    assert_eq!(
        block_on(c.list_aliases(ListAliasesRequest::default()))
            .unwrap()
            .aliases
            .len(),
        1
    );
}

#[test]
fn rotation_keeps_old_ciphertexts() {
    let (_kms, clock, c) = setup();
    let key = sym(&c);
    let rot = |d: Option<u32>| {
        block_on(c.enable_key_rotation(EnableKeyRotationRequest {
            key_id: key.clone(),
            rotation_period_in_days: d,
        }))
    };
    assert_eq!(name(rot(Some(89))), names::VALIDATION);
    assert_eq!(name(rot(Some(2561))), names::VALIDATION);
    rot(None).unwrap();
    let st = block_on(c.get_key_rotation_status(KeyIdRequest::new(&key))).unwrap();
    assert!(st.key_rotation_enabled);
    assert_eq!(st.rotation_period_in_days, Some(365));

    let c1 = enc(&c, &key, b"old", &ctx(&[])).unwrap();
    let m1 = dec(&c, &c1.ciphertext_blob, &ctx(&[]), None)
        .unwrap()
        .key_material_id;
    clock.advance(364 * DAY);
    assert!(block_on(c.list_key_rotations(KeyIdRequest::new(&key)))
        .unwrap()
        .rotations
        .is_empty());
    clock.advance(2 * DAY);
    let c2 = enc(&c, &key, b"new", &ctx(&[])).unwrap();
    let r = block_on(c.list_key_rotations(KeyIdRequest::new(&key)))
        .unwrap()
        .rotations;
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].rotation_type, Some(RotationType::Automatic));
    assert_eq!(r[0].key_id, key);
    let d2 = dec(&c, &c2.ciphertext_blob, &ctx(&[]), None).unwrap();
    assert_ne!(
        d2.key_material_id, m1,
        "new encryptions use the new material"
    );
    assert_eq!(d2.key_id, key, "the key id never changes");
    assert_eq!(
        dec(&c, &c1.ciphertext_blob, &ctx(&[]), None)
            .unwrap()
            .plaintext
            .as_slice(),
        b"old"
    );

    block_on(c.rotate_key_on_demand(KeyIdRequest::new(&key))).unwrap();
    let c3 = enc(&c, &key, b"newest", &ctx(&[])).unwrap();
    let r = block_on(c.list_key_rotations(KeyIdRequest::new(&key)))
        .unwrap()
        .rotations;
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].rotation_type, Some(RotationType::OnDemand));
    for (blob, pt) in [(&c1, &b"old"[..]), (&c2, b"new"), (&c3, b"newest")] {
        assert_eq!(
            dec(&c, &blob.ciphertext_blob, &ctx(&[]), None)
                .unwrap()
                .plaintext
                .as_slice(),
            pt
        );
    }
    // Several periods passing at once rotate once per period.
    clock.advance(3 * 365 * DAY);
    let _ = block_on(c.describe_key(KeyIdRequest::new(&key))).unwrap();
    assert_eq!(
        block_on(c.list_key_rotations(KeyIdRequest::new(&key)))
            .unwrap()
            .rotations
            .len(),
        5
    );
    block_on(c.disable_key_rotation(KeyIdRequest::new(&key))).unwrap();
    assert!(
        !block_on(c.get_key_rotation_status(KeyIdRequest::new(&key)))
            .unwrap()
            .key_rotation_enabled
    );
    // Only symmetric keys rotate.
    let hmac = create(
        &c,
        CreateKeyRequest {
            key_spec: Some(KeySpec::Hmac256),
            key_usage: Some(KeyUsage::GenerateVerifyMac),
            ..Default::default()
        },
    );
    assert_eq!(
        name(block_on(
            c.rotate_key_on_demand(KeyIdRequest::new(&hmac.arn))
        )),
        names::UNSUPPORTED
    );
}

#[test]
fn multi_region_replica_decrypts_primary_ciphertext() {
    let (kms, _clock, us) = setup();
    let eu = kms.client("eu-west-1", ALICE).unwrap();
    let primary = create(
        &us,
        CreateKeyRequest {
            multi_region: Some(true),
            ..Default::default()
        },
    );
    assert!(primary.key_id.starts_with("mrk-") && primary.key_id.len() == 4 + 32);
    assert_eq!(primary.multi_region, Some(true));
    let rep = block_on(us.replicate_key(ReplicateKeyRequest {
        key_id: primary.arn.clone(),
        replica_region: "eu-west-1".into(),
        ..Default::default()
    }))
    .unwrap()
    .replica_key_metadata;
    let replica_arn = format!("arn:aws:kms:eu-west-1:{ACCT}:key/{}", primary.key_id);
    assert_eq!(rep.arn, replica_arn);
    let cfg = rep.multi_region_configuration.clone().unwrap();
    assert_eq!(cfg.multi_region_key_type, Some(MultiRegionKeyType::Replica));
    assert_eq!(cfg.primary_key.unwrap().arn, primary.arn);
    let pmd = block_on(us.describe_key(KeyIdRequest::new(&primary.arn)))
        .unwrap()
        .key_metadata;
    assert_eq!(
        pmd.multi_region_configuration.unwrap().replica_keys[0].arn,
        replica_arn
    );
    assert_eq!(
        name(block_on(us.replicate_key(ReplicateKeyRequest {
            key_id: primary.arn.clone(),
            replica_region: "eu-west-1".into(),
            ..Default::default()
        }))),
        names::ALREADY_EXISTS
    );

    let ec = ctx(&[("k", "v")]);
    let ct = enc(&us, &primary.arn, b"across regions", &ec).unwrap();
    let pt = dec(&eu, &ct.ciphertext_blob, &ec, Some(&replica_arn)).unwrap();
    assert_eq!(pt.plaintext.as_slice(), b"across regions");
    assert_eq!(pt.key_id, replica_arn);
    assert!(sealkit_kms::arn::mrk_match(&pt.key_id, &primary.arn));
    // And back: a data key from the replica decrypts in the primary region.
    let dk = block_on(eu.generate_data_key(GenerateDataKeyRequest {
        key_id: primary.key_id.clone(),
        number_of_bytes: Some(32),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(
        dec(&us, &dk.ciphertext_blob, &ctx(&[]), None)
            .unwrap()
            .plaintext,
        dk.plaintext
    );
    // The primary's ARN is not valid in the replica's region.
    assert_eq!(
        name(dec(&eu, &ct.ciphertext_blob, &ec, Some(&primary.arn))),
        names::NOT_FOUND
    );

    // Each replica has its own state and policy.
    block_on(eu.disable_key(KeyIdRequest::new(&replica_arn))).unwrap();
    assert_eq!(
        name(dec(&eu, &ct.ciphertext_blob, &ec, None)),
        names::DISABLED
    );
    assert!(dec(&us, &ct.ciphertext_blob, &ec, None).is_ok());
    block_on(eu.enable_key(KeyIdRequest::new(&replica_arn))).unwrap();
    let deny_all = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:root"}},"Action":"kms:*","Resource":"*"}},
        {{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}}]}}"#
    );
    block_on(eu.put_key_policy(PutKeyPolicyRequest {
        key_id: replica_arn.clone(),
        policy: deny_all,
        policy_name: None,
    }))
    .unwrap();
    assert_eq!(
        name(dec(&eu, &ct.ciphertext_blob, &ec, None)),
        names::ACCESS_DENIED
    );
    assert!(dec(&us, &ct.ciphertext_blob, &ec, None).is_ok());
    // Rotation happens through the primary and is shared by the replica.
    assert_eq!(
        name(block_on(
            eu.rotate_key_on_demand(KeyIdRequest::new(&replica_arn))
        )),
        names::UNSUPPORTED
    );
    block_on(us.rotate_key_on_demand(KeyIdRequest::new(&primary.arn))).unwrap();
    let ct2 = enc(&us, &primary.arn, b"after rotation", &ec).unwrap();
    block_on(eu.put_key_policy(PutKeyPolicyRequest {
        key_id: replica_arn.clone(),
        policy: format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:root"}},"Action":"kms:*","Resource":"*"}}}}"#
        ),
        policy_name: None,
    }))
    .unwrap();
    assert_eq!(
        dec(&eu, &ct2.ciphertext_blob, &ec, None)
            .unwrap()
            .plaintext
            .as_slice(),
        b"after rotation"
    );

    // Single-Region keys are not replicated and their ciphertexts do not cross regions.
    let single = sym(&us);
    assert_eq!(
        name(block_on(us.replicate_key(ReplicateKeyRequest {
            key_id: single.clone(),
            replica_region: "eu-west-1".into(),
            ..Default::default()
        }))),
        names::UNSUPPORTED
    );
    let sct = enc(&us, &single, b"x", &ctx(&[])).unwrap();
    assert_eq!(
        name(dec(&eu, &sct.ciphertext_blob, &ctx(&[]), None)),
        names::ACCESS_DENIED
    );
}

#[test]
fn key_policies() {
    let (kms, _clock, alice) = setup();
    let bob = kms.client("us-east-1", BOB).unwrap();
    let eve = kms.client("us-east-1", EVE).unwrap();
    let key = sym(&alice);
    let ct = enc(&alice, &key, b"secret", &ctx(&[])).unwrap();
    // Default policy: every principal of the account, nobody else.
    assert!(dec(&bob, &ct.ciphertext_blob, &ctx(&[]), None).is_ok());
    assert_eq!(
        name(dec(&eve, &ct.ciphertext_blob, &ctx(&[]), None)),
        names::ACCESS_DENIED
    );
    assert_eq!(name(enc(&eve, &key, b"x", &ctx(&[]))), names::ACCESS_DENIED);
    let dp = block_on(alice.get_key_policy(KeyIdRequest::new(&key)))
        .unwrap()
        .policy;
    assert!(dp.contains(&format!("arn:aws:iam::{ACCT}:root")));

    // Deny wins over Allow.
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
          {{"Sid":"root","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCT}:root"}},"Action":"kms:*","Resource":"*"}},
          {{"Sid":"nobob","Effect":"Deny","Principal":{{"AWS":["{BOB}"]}},"Action":["kms:Decrypt","kms:ReEncrypt*"],"Resource":"*"}},
          {{"Sid":"eve","Effect":"Allow","Principal":{{"AWS":"{EVE}"}},"Action":"kms:Gen*","Resource":"*",
            "Condition":{{"StringEquals":{{"kms:EncryptionContext:purpose":"test"}}}}}}]}}"#
    );
    block_on(alice.put_key_policy(PutKeyPolicyRequest {
        key_id: key.clone(),
        policy: policy.clone(),
        policy_name: None,
    }))
    .unwrap();
    assert_eq!(
        block_on(alice.get_key_policy(KeyIdRequest::new(&key)))
            .unwrap()
            .policy,
        policy
    );
    assert_eq!(
        name(dec(&bob, &ct.ciphertext_blob, &ctx(&[]), None)),
        names::ACCESS_DENIED
    );
    assert!(enc(&bob, &key, b"x", &ctx(&[])).is_ok());
    assert!(dec(&alice, &ct.ciphertext_blob, &ctx(&[]), None).is_ok());
    // Cross-account access by ARN, limited by action wildcard and context condition.
    let gen = |ec: EncryptionContext| {
        block_on(eve.generate_data_key(GenerateDataKeyRequest {
            key_id: key.clone(),
            encryption_context: ec,
            number_of_bytes: Some(16),
            ..Default::default()
        }))
    };
    assert!(gen(ctx(&[("purpose", "test")])).is_ok());
    assert_eq!(name(gen(ctx(&[("purpose", "prod")]))), names::ACCESS_DENIED);
    assert_eq!(name(gen(ctx(&[]))), names::ACCESS_DENIED);
    assert_eq!(
        name(enc(&eve, &key, b"x", &ctx(&[("purpose", "test")]))),
        names::ACCESS_DENIED
    );

    // StringLike.
    let like = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{EVE}"}},"Action":"kms:Encrypt","Resource":"arn:aws:kms:*",
            "Condition":{{"StringLike":{{"kms:EncryptionContext:tenant":["team-*"]}}}}}},
          {{"Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    block_on(alice.put_key_policy(PutKeyPolicyRequest {
        key_id: key.clone(),
        policy: like,
        policy_name: None,
    }))
    .unwrap();
    assert!(enc(&eve, &key, b"x", &ctx(&[("tenant", "team-red")])).is_ok());
    assert_eq!(
        name(enc(&eve, &key, b"x", &ctx(&[("tenant", "other")]))),
        names::ACCESS_DENIED
    );
    // Bob is no longer named: the account root statement is gone.
    assert_eq!(name(enc(&bob, &key, b"x", &ctx(&[]))), names::ACCESS_DENIED);

    for bad in [
        "not json",
        r#"{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"kms:*","Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"NumericEquals":{"a":"1"}}}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
    ] {
        let r = block_on(alice.put_key_policy(PutKeyPolicyRequest {
            key_id: key.clone(),
            policy: bad.into(),
            policy_name: None,
        }));
        assert_eq!(name(r), names::MALFORMED_POLICY, "{bad}");
    }
    let r = block_on(alice.create_key(CreateKeyRequest {
        policy: Some("{}".into()),
        ..Default::default()
    }));
    assert_eq!(name(r), names::MALFORMED_POLICY);
}

#[test]
fn audit_records_allowed_and_denied_calls() {
    let (kms, _clock, alice) = setup();
    let eve = kms.client("us-east-1", EVE).unwrap();
    let key = sym(&alice);
    let ec = ctx(&[("purpose", "audit")]);
    let ct = enc(&alice, &key, b"x", &ec).unwrap();
    dec(&alice, &ct.ciphertext_blob, &ec, None).unwrap();
    assert!(dec(&eve, &ct.ciphertext_blob, &ec, None).is_err());
    assert!(enc(&alice, "alias/missing", b"x", &ec).is_err());

    let all = kms.audit_log(&AuditFilter::default());
    assert_eq!(all.len(), 5);
    let decrypts = kms.audit_log(&AuditFilter {
        key_arn: Some(key.clone()),
        operation: Some("Decrypt".into()),
        ..Default::default()
    });
    assert_eq!(decrypts.len(), 2);
    assert!(
        decrypts[0].success && decrypts[0].principal == ALICE && decrypts[0].region == "us-east-1"
    );
    assert_eq!(decrypts[0].encryption_context.as_ref(), Some(&ec));
    assert!(!decrypts[1].success);
    assert_eq!(decrypts[1].principal, EVE);
    assert_eq!(
        decrypts[1].error_code.as_deref(),
        Some(names::ACCESS_DENIED)
    );
    let denied = kms.audit_log(&AuditFilter {
        success: Some(false),
        ..Default::default()
    });
    assert_eq!(denied.len(), 2);
    assert_eq!(denied[1].error_code.as_deref(), Some(names::NOT_FOUND));
    assert_eq!(denied[1].key_arn, None);
    assert_eq!(all[0].operation, "CreateKey");
    assert_eq!(all[0].time, kms.now());

    let jsonl = kms.audit_jsonl();
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[2]["operation"], "Decrypt");
    assert_eq!(lines[3]["error_code"], names::ACCESS_DENIED);
    assert!(!jsonl.contains("\"x\""), "no plaintext in the audit log");
}

#[test]
fn export_import_round_trip() {
    let (kms, clock, c) = setup();
    let key = sym(&c);
    block_on(c.create_alias(AliasRequest {
        alias_name: "alias/keep".into(),
        target_key_id: key.clone(),
    }))
    .unwrap();
    block_on(c.rotate_key_on_demand(KeyIdRequest::new(&key))).unwrap();
    let ct = enc(&c, &key, b"persist me", &ctx(&[("a", "1")])).unwrap();
    let root = [42u8; 32];
    let blob = kms.export_state(&root).unwrap();
    assert!(blob.starts_with(b"SKLKMS\x01"));

    let restored = LocalKms::import_state(&blob, &root, clock.clone()).unwrap();
    let c2 = restored.client("us-east-1", ALICE).unwrap();
    assert_eq!(
        dec(&c2, &ct.ciphertext_blob, &ctx(&[("a", "1")]), None)
            .unwrap()
            .plaintext
            .as_slice(),
        b"persist me"
    );
    assert_eq!(enc(&c2, "alias/keep", b"y", &ctx(&[])).unwrap().key_id, key);
    assert_eq!(
        block_on(c2.list_key_rotations(KeyIdRequest::new(&key)))
            .unwrap()
            .rotations
            .len(),
        1
    );
    assert!(restored.audit_log(&AuditFilter::default()).len() >= 4);

    assert_eq!(
        name(LocalKms::import_state(&blob, &[43u8; 32], clock.clone())),
        names::INVALID_CIPHERTEXT
    );
    let mut tampered = blob.clone();
    let i = tampered.len() / 2;
    tampered[i] ^= 0x80;
    assert_eq!(
        name(LocalKms::import_state(&tampered, &root, clock.clone())),
        names::INVALID_CIPHERTEXT
    );
    let mut other_version = blob.clone();
    other_version[6] = 2;
    assert_eq!(
        name(LocalKms::import_state(&other_version, &root, clock.clone())),
        names::VALIDATION
    );
    assert_eq!(
        name(LocalKms::import_state(b"SKLKMS", &root, clock)),
        names::VALIDATION
    );
}

#[test]
fn hmac_keys() {
    let (_kms, _clock, c) = setup();
    for (spec, alg, len) in [
        (KeySpec::Hmac256, MacAlgorithm::HmacSha256, 32),
        (KeySpec::Hmac384, MacAlgorithm::HmacSha384, 48),
        (KeySpec::Hmac512, MacAlgorithm::HmacSha512, 64),
    ] {
        let md = create(
            &c,
            CreateKeyRequest {
                key_spec: Some(spec.clone()),
                key_usage: Some(KeyUsage::GenerateVerifyMac),
                ..Default::default()
            },
        );
        assert_eq!(md.mac_algorithms, Some(vec![alg.clone()]));
        let m = block_on(c.generate_mac(GenerateMacRequest {
            key_id: md.arn.clone(),
            message: b"msg".to_vec(),
            mac_algorithm: alg.clone(),
            grant_tokens: vec![],
        }))
        .unwrap();
        assert_eq!(m.mac.len(), len);
        let verify = |mac: Vec<u8>, a: MacAlgorithm| {
            block_on(c.verify_mac(VerifyMacRequest {
                key_id: md.arn.clone(),
                message: b"msg".to_vec(),
                mac,
                mac_algorithm: a,
                grant_tokens: vec![],
            }))
        };
        assert!(verify(m.mac.clone(), alg.clone()).unwrap().mac_valid);
        let mut bad = m.mac.clone();
        bad[0] ^= 1;
        assert_eq!(name(verify(bad, alg.clone())), names::INVALID_MAC);
        assert_eq!(
            name(verify(m.mac.clone(), MacAlgorithm::HmacSha224)),
            names::INVALID_KEY_USAGE
        );
        assert_eq!(
            name(enc(&c, &md.arn, b"x", &ctx(&[]))),
            names::INVALID_KEY_USAGE
        );
    }
    let sym_key = sym(&c);
    let r = block_on(c.generate_mac(GenerateMacRequest {
        key_id: sym_key,
        message: b"m".to_vec(),
        mac_algorithm: MacAlgorithm::HmacSha256,
        grant_tokens: vec![],
    }));
    assert_eq!(name(r), names::INVALID_KEY_USAGE);
    let r = block_on(c.create_key(CreateKeyRequest {
        key_spec: Some(KeySpec::Hmac256),
        ..Default::default()
    }));
    assert_eq!(name(r), names::VALIDATION);
}

#[test]
fn ecc_sign_verify() {
    use p256::ecdsa::signature::Verifier;
    use p256::pkcs8::DecodePublicKey;
    let (_kms, _clock, c) = setup();
    let md = create(
        &c,
        CreateKeyRequest {
            key_spec: Some(KeySpec::EccNistP256),
            key_usage: Some(KeyUsage::SignVerify),
            ..Default::default()
        },
    );
    let pk = block_on(c.get_public_key(KeyIdRequest::new(&md.arn))).unwrap();
    assert_eq!(pk.key_id, md.arn);
    assert_eq!(
        pk.signing_algorithms,
        Some(vec![SigningAlgorithm::EcdsaSha256])
    );
    let sign = |msg: &[u8], mt: Option<MessageType>| {
        block_on(c.sign(SignRequest {
            key_id: md.arn.clone(),
            message: msg.to_vec(),
            message_type: mt,
            signing_algorithm: SigningAlgorithm::EcdsaSha256,
            grant_tokens: vec![],
        }))
    };
    let s = sign(b"hello", None).unwrap();
    let vk = p256::ecdsa::VerifyingKey::from_public_key_der(&pk.public_key).unwrap();
    let sig = p256::ecdsa::Signature::from_der(&s.signature).unwrap();
    vk.verify(b"hello", &sig).unwrap();
    // DIGEST mode signs the given digest.
    use sha2::Digest;
    let d = sha2::Sha256::digest(b"hello").to_vec();
    let s2 = sign(&d, Some(MessageType::Digest)).unwrap();
    vk.verify(
        b"hello",
        &p256::ecdsa::Signature::from_der(&s2.signature).unwrap(),
    )
    .unwrap();
    assert_eq!(
        name(sign(b"short", Some(MessageType::Digest))),
        names::VALIDATION
    );
    let verify = |sig: Vec<u8>, alg: SigningAlgorithm| {
        block_on(c.verify(VerifyRequest {
            key_id: md.arn.clone(),
            message: b"hello".to_vec(),
            message_type: None,
            signature: sig,
            signing_algorithm: alg,
            grant_tokens: vec![],
        }))
    };
    assert!(
        verify(s.signature.clone(), SigningAlgorithm::EcdsaSha256)
            .unwrap()
            .signature_valid
    );
    assert_eq!(
        name(verify(vec![1, 2, 3], SigningAlgorithm::EcdsaSha256)),
        names::INVALID_SIGNATURE
    );
    assert_eq!(
        name(verify(s.signature.clone(), SigningAlgorithm::EcdsaSha384)),
        names::INVALID_KEY_USAGE
    );
    assert_eq!(
        name(enc(&c, &md.arn, b"x", &ctx(&[]))),
        names::INVALID_KEY_USAGE
    );

    let p384 = create(
        &c,
        CreateKeyRequest {
            key_spec: Some(KeySpec::EccNistP384),
            key_usage: Some(KeyUsage::SignVerify),
            ..Default::default()
        },
    );
    let pk = block_on(c.get_public_key(KeyIdRequest::new(&p384.arn))).unwrap();
    let s = block_on(c.sign(SignRequest {
        key_id: p384.arn.clone(),
        message: b"hi".to_vec(),
        message_type: None,
        signing_algorithm: SigningAlgorithm::EcdsaSha384,
        grant_tokens: vec![],
    }))
    .unwrap();
    let vk = p384::ecdsa::VerifyingKey::from_public_key_der(&pk.public_key).unwrap();
    vk.verify(
        b"hi",
        &p384::ecdsa::Signature::from_der(&s.signature).unwrap(),
    )
    .unwrap();
    let sym_key = sym(&c);
    assert_eq!(
        name(block_on(c.get_public_key(KeyIdRequest::new(&sym_key)))),
        names::UNSUPPORTED
    );
}

#[test]
fn rsa_encrypt_decrypt_and_sign() {
    use rsa::pkcs8::DecodePublicKey;
    use rsa::{Oaep, RsaPublicKey};
    use sha2::{Digest, Sha256, Sha384};
    let (_kms, _clock, c) = setup();
    let md = create(
        &c,
        CreateKeyRequest {
            key_spec: Some(KeySpec::Rsa2048),
            key_usage: Some(KeyUsage::EncryptDecrypt),
            ..Default::default()
        },
    );
    assert_eq!(
        md.encryption_algorithms,
        Some(vec![
            EncryptionAlgorithm::RsaesOaepSha1,
            EncryptionAlgorithm::RsaesOaepSha256
        ])
    );
    let pk = block_on(c.get_public_key(KeyIdRequest::new(&md.arn))).unwrap();
    assert_eq!(pk.public_key.len(), 294, "RSA-2048 SubjectPublicKeyInfo");
    let public = RsaPublicKey::from_public_key_der(&pk.public_key).unwrap();
    let mut rng = rand_core::OsRng;
    let rsa_dec = |blob: Vec<u8>, alg: Option<EncryptionAlgorithm>, key: Option<&str>| {
        block_on(c.decrypt(DecryptRequest {
            ciphertext_blob: blob,
            key_id: key.map(str::to_string),
            encryption_algorithm: alg,
            ..Default::default()
        }))
    };
    let ct256 = public
        .encrypt(&mut rng, Oaep::new::<Sha256>(), b"offline-256")
        .unwrap();
    let out = rsa_dec(
        ct256.clone(),
        Some(EncryptionAlgorithm::RsaesOaepSha256),
        Some(&md.arn),
    )
    .unwrap();
    assert_eq!(out.plaintext.as_slice(), b"offline-256");
    assert_eq!(
        out.encryption_algorithm,
        Some(EncryptionAlgorithm::RsaesOaepSha256)
    );
    let ct1 = public
        .encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), b"offline-1")
        .unwrap();
    assert_eq!(
        rsa_dec(
            ct1.clone(),
            Some(EncryptionAlgorithm::RsaesOaepSha1),
            Some(&md.arn)
        )
        .unwrap()
        .plaintext
        .as_slice(),
        b"offline-1"
    );
    assert_eq!(
        name(rsa_dec(
            ct1,
            Some(EncryptionAlgorithm::RsaesOaepSha256),
            Some(&md.arn)
        )),
        names::INVALID_CIPHERTEXT
    );
    assert_eq!(
        name(rsa_dec(ct256.clone(), None, Some(&md.arn))),
        names::VALIDATION
    );
    assert_eq!(
        name(rsa_dec(
            ct256,
            Some(EncryptionAlgorithm::RsaesOaepSha256),
            None
        )),
        names::VALIDATION
    );
    // KMS-side RSA encryption round-trips.
    let e = block_on(c.encrypt(EncryptRequest {
        key_id: md.arn.clone(),
        plaintext: b"via kms".to_vec().into(),
        encryption_algorithm: Some(EncryptionAlgorithm::RsaesOaepSha256),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(e.ciphertext_blob.len(), 256);
    assert_eq!(
        rsa_dec(
            e.ciphertext_blob,
            Some(EncryptionAlgorithm::RsaesOaepSha256),
            Some(&md.arn)
        )
        .unwrap()
        .plaintext
        .as_slice(),
        b"via kms"
    );
    let r = block_on(c.generate_data_key(GenerateDataKeyRequest {
        key_id: md.arn.clone(),
        number_of_bytes: Some(32),
        ..Default::default()
    }));
    assert_eq!(name(r), names::INVALID_KEY_USAGE);

    // Signing key: PKCS#1 v1.5 and PSS (salt = hash length), verified offline.
    let sk = create(
        &c,
        CreateKeyRequest {
            key_spec: Some(KeySpec::Rsa2048),
            key_usage: Some(KeyUsage::SignVerify),
            ..Default::default()
        },
    );
    let public = RsaPublicKey::from_public_key_der(
        &block_on(c.get_public_key(KeyIdRequest::new(&sk.arn)))
            .unwrap()
            .public_key,
    )
    .unwrap();
    let sign = |alg: SigningAlgorithm| {
        block_on(c.sign(SignRequest {
            key_id: sk.arn.clone(),
            message: b"doc".to_vec(),
            message_type: None,
            signing_algorithm: alg,
            grant_tokens: vec![],
        }))
        .unwrap()
        .signature
    };
    let s = sign(SigningAlgorithm::RsassaPkcs1V15Sha256);
    public
        .verify(
            rsa::Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(b"doc"),
            &s,
        )
        .unwrap();
    let s = sign(SigningAlgorithm::RsassaPssSha384);
    public
        .verify(
            rsa::Pss::new_with_salt::<Sha384>(48),
            &Sha384::digest(b"doc"),
            &s,
        )
        .unwrap();
    let v = block_on(c.verify(VerifyRequest {
        key_id: sk.arn.clone(),
        message: b"doc".to_vec(),
        message_type: None,
        signature: s.clone(),
        signing_algorithm: SigningAlgorithm::RsassaPssSha384,
        grant_tokens: vec![],
    }))
    .unwrap();
    assert!(v.signature_valid);
    let v = block_on(c.verify(VerifyRequest {
        key_id: sk.arn.clone(),
        message: b"other".to_vec(),
        message_type: None,
        signature: s,
        signing_algorithm: SigningAlgorithm::RsassaPssSha384,
        grant_tokens: vec![],
    }));
    assert_eq!(name(v), names::INVALID_SIGNATURE);
}

#[test]
fn describe_list_and_debug_hygiene() {
    let (kms, _clock, c) = setup();
    let md = create(
        &c,
        CreateKeyRequest {
            description: Some("main key".into()),
            ..Default::default()
        },
    );
    assert_eq!(md.aws_account_id.as_deref(), Some(ACCT));
    assert_eq!(md.key_spec, Some(KeySpec::SymmetricDefault));
    assert_eq!(md.key_usage, Some(KeyUsage::EncryptDecrypt));
    assert_eq!(md.key_state, Some(KeyState::Enabled));
    assert_eq!(md.description.as_deref(), Some("main key"));
    assert_eq!(md.multi_region, Some(false));
    assert_eq!(md.key_id.len(), 36);
    assert_eq!(&md.key_id[14..15], "4", "UUID v4");
    let keys = block_on(c.list_keys()).unwrap().keys;
    assert_eq!(
        keys,
        vec![KeyListEntry {
            key_id: md.key_id.clone(),
            key_arn: md.arn.clone()
        }]
    );
    // Debug of the KMS, clients and state blob never dumps key material.
    assert_eq!(format!("{kms:?}"), "LocalKms { .. }");
    assert!(format!("{c:?}").len() < 400);
    assert!(kms.client("us-east-1", "alice").is_err());
    // Request JSON uses the KMS field names.
    let j = serde_json::to_value(EncryptRequest {
        key_id: "k".into(),
        plaintext: b"hi".to_vec().into(),
        encryption_context: ctx(&[("a", "b")]),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        j,
        serde_json::json!({"KeyId":"k","Plaintext":"aGk=","EncryptionContext":{"a":"b"}})
    );
    let m: KeyMetadata = serde_json::from_value(serde_json::json!({
        "AWSAccountId":"1","KeyId":"k","Arn":"a","KeyState":"Enabled","KeySpec":"FUTURE_SPEC","CreationDate":1.5
    }))
    .unwrap();
    assert_eq!(m.key_spec, Some(KeySpec::Unknown("FUTURE_SPEC".into())));
}

#[test]
fn key_ids_and_descriptions_over_the_kms_limits_are_validation_errors_without_an_echo() {
    let (_kms, _clock, c) = setup();
    let key = sym(&c);
    let long = "k".repeat(2049);
    let err = block_on(c.describe_key(KeyIdRequest::new(&long))).unwrap_err();
    assert_eq!(err.name, "ValidationException");
    assert!(!err.message.contains(&long[..100]), "{}", err.message);
    let err = enc(&c, &long, b"x", &ctx(&[])).unwrap_err();
    assert_eq!(err.name, "ValidationException");
    // 2048 characters is still a (not found) key id
    let err = block_on(c.describe_key(KeyIdRequest::new("k".repeat(2048)))).unwrap_err();
    assert_eq!(err.name, "NotFoundException");
    assert!(block_on(c.describe_key(KeyIdRequest::new(&key))).is_ok());

    let described = |d: String| {
        block_on(c.create_key(CreateKeyRequest {
            description: Some(d),
            ..Default::default()
        }))
    };
    assert!(described("d".repeat(8192)).is_ok());
    let err = described("d".repeat(8193)).unwrap_err();
    assert_eq!(err.name, "ValidationException");
    assert!(!err.message.contains(&"d".repeat(100)));
}
