#!/usr/bin/env python3
"""boto3 against a real sealkit-key-server: every operation the server supports, the happy path
and the KMS error codes, with the cryptography cross-checked locally by `cryptography`.

    .deps/venv/bin/python server/tests/boto3_suite.py --server target/debug/sealkit-key-server

The script makes a data directory with `sealkit-key-server init --data DIR`, adds a second caller
in another account (bob, for grants and AccessDeniedException), starts `serve --data DIR
--listen 127.0.0.1:0`, reads the URL from the first stdout line, runs the checks with the admin
caller taken from DIR/credentials through AWS_SHARED_CREDENTIALS_FILE, and stops the server by
its PID. It prints one line per failed check and the count of checks, and exits 1 if any failed.
`cargo test -p sealkit-key-server --test boto3` runs it (server/tests/boto3.rs).
"""

import argparse
import base64
import hashlib
import hmac as py_hmac
import os
import secrets
import shutil
import subprocess
import sys
import tempfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

ACCOUNT = "111122223333"
BOB_ACCOUNT = "444455556666"
BOB_ARN = f"arn:aws:iam::{BOB_ACCOUNT}:user/bob"
REGION = "us-east-1"


class Checks:
    """Counts checks; a failed one is printed and counted, and the run goes on."""

    def __init__(self):
        self.passed = 0
        self.failed = []

    def ok(self, name, cond, detail=""):
        if cond:
            self.passed += 1
        else:
            self.failed.append(name)
            print(f"FAIL {name} {detail}"[:400], flush=True)
        return cond

    def error(self, name, code, fn, *args, **kwargs):
        """`fn` must fail with the KMS error `code`; returns the error message."""
        try:
            fn(*args, **kwargs)
        except ClientError as e:
            got = e.response.get("Error", {}).get("Code")
            self.ok(name, got == code, f"expected {code}, got {got}: {e}")
            return e.response.get("Error", {}).get("Message", "")
        except Exception as e:  # noqa: BLE001 - any other failure is a failed check
            self.ok(name, False, f"expected {code}, got {type(e).__name__}: {e}")
            return ""
        self.ok(name, False, f"expected {code}, got success")
        return ""

    def run(self, name, fn, *args, **kwargs):
        """`fn` must succeed; returns its result (None when it failed)."""
        try:
            out = fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001
            self.ok(name, False, f"{type(e).__name__}: {e}")
            return None
        self.ok(name, True)
        return out


def start_server(binary, data, extra_creds):
    proc = subprocess.Popen(
        [binary, "serve", "--data", data, "--credentials-file", extra_creds,
         "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    url = line.rsplit(" ", 1)[-1]
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"server did not print its URL: {line!r}")
    return proc, url


def clients(url):
    # Retries off: an error must be seen as the server's first answer.
    cfg = Config(retries={"max_attempts": 1, "mode": "standard"})
    raw = Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False)
    admin = boto3.client("kms", endpoint_url=url, region_name=REGION, config=cfg)
    # Without boto3's own parameter checks, so that the server's limits are what is tested.
    admin_raw = boto3.client("kms", endpoint_url=url, region_name=REGION, config=raw)
    west = boto3.client("kms", endpoint_url=url, region_name="us-west-2", config=cfg)
    return admin, admin_raw, west


def bob_client(url, akid, secret):
    return boto3.Session(aws_access_key_id=akid, aws_secret_access_key=secret).client(
        "kms", endpoint_url=url, region_name=REGION,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def all_pages(c, call, key, **kwargs):
    """Every entry of a paged list through Limit/Marker; also checks the paging fields."""
    out, marker, pages = [], None, 0
    while True:
        args = dict(kwargs)
        if marker:
            args["Marker"] = marker
        r = call(**args)
        pages += 1
        out.extend(r[key])
        if not r.get("Truncated"):
            c.ok(f"{key}: last page has no NextMarker", "NextMarker" not in r)
            return out, pages
        marker = r.get("NextMarker")
        if not c.ok(f"{key}: truncated page has a NextMarker", bool(marker)) or pages > 1000:
            return out, pages


def symmetric(c, kms):
    key = c.run("CreateKey symmetric with tags", kms.create_key, Description="sym",
                Tags=[{"TagKey": "team", "TagValue": "core"}, {"TagKey": "env", "TagValue": ""}])
    md = key["KeyMetadata"]
    kid, arn = md["KeyId"], md["Arn"]
    c.ok("CreateKey metadata", md["KeySpec"] == "SYMMETRIC_DEFAULT" and md["Enabled"]
         and md["Description"] == "sym" and arn.endswith(kid))
    d = kms.describe_key(KeyId=kid)["KeyMetadata"]
    c.ok("DescribeKey by id", d["Arn"] == arn and d["KeyState"] == "Enabled")
    c.ok("DescribeKey by ARN", kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyId"] == kid)
    tags = kms.list_resource_tags(KeyId=kid)["Tags"]
    c.ok("CreateKey kept its Tags", sorted((t["TagKey"], t["TagValue"]) for t in tags)
         == [("env", ""), ("team", "core")], str(tags))

    ctx = {"purpose": "suite", "n": "1"}
    for size in (1, 100, 4096):
        pt = secrets.token_bytes(size)
        ct = kms.encrypt(KeyId=kid, Plaintext=pt, EncryptionContext=ctx)
        c.ok(f"Encrypt {size} B names the key", ct["KeyId"] == arn)
        dec = kms.decrypt(CiphertextBlob=ct["CiphertextBlob"], EncryptionContext=ctx)
        c.ok(f"Decrypt {size} B", dec["Plaintext"] == pt and dec["KeyId"] == arn)
    pt = b"context bound"
    blob = kms.encrypt(KeyId=kid, Plaintext=pt, EncryptionContext=ctx)["CiphertextBlob"]
    c.error("Decrypt with another context", "InvalidCiphertextException",
            kms.decrypt, CiphertextBlob=blob, EncryptionContext={"purpose": "other"})
    c.error("Decrypt without the context", "InvalidCiphertextException",
            kms.decrypt, CiphertextBlob=blob)
    for i in (len(blob) - 1, len(blob) // 2):
        bad = bytearray(blob)
        bad[i] ^= 1
        c.error(f"Decrypt with byte {i} flipped", "InvalidCiphertextException",
                kms.decrypt, CiphertextBlob=bytes(bad), EncryptionContext=ctx)
    c.error("Decrypt of garbage", "InvalidCiphertextException",
            kms.decrypt, CiphertextBlob=b"\x01" * 40)

    for spec, n in (("AES_256", 32), ("AES_128", 16)):
        dk = kms.generate_data_key(KeyId=kid, KeySpec=spec, EncryptionContext=ctx)
        c.ok(f"GenerateDataKey {spec} length", len(dk["Plaintext"]) == n)
        back = kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext=ctx)
        c.ok(f"GenerateDataKey {spec} decrypts", back["Plaintext"] == dk["Plaintext"])
    dk = kms.generate_data_key(KeyId=kid, NumberOfBytes=1024)
    c.ok("GenerateDataKey NumberOfBytes 1024", len(dk["Plaintext"]) == 1024)
    wp = kms.generate_data_key_without_plaintext(KeyId=kid, KeySpec="AES_256",
                                                 EncryptionContext=ctx)
    c.ok("GenerateDataKeyWithoutPlaintext has no plaintext", "Plaintext" not in wp)
    c.ok("GenerateDataKeyWithoutPlaintext decrypts to 32 bytes", len(kms.decrypt(
        CiphertextBlob=wp["CiphertextBlob"], EncryptionContext=ctx)["Plaintext"]) == 32)

    other = kms.create_key()["KeyMetadata"]["Arn"]
    re = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=ctx,
                        DestinationKeyId=other, DestinationEncryptionContext={"to": "b"})
    c.ok("ReEncrypt names both keys", re["SourceKeyId"] == arn and re["KeyId"] == other)
    c.ok("ReEncrypt result decrypts", kms.decrypt(
        CiphertextBlob=re["CiphertextBlob"], EncryptionContext={"to": "b"})["Plaintext"] == pt)
    c.error("Decrypt naming the wrong key", "IncorrectKeyException", kms.decrypt,
            CiphertextBlob=blob, EncryptionContext=ctx, KeyId=other)

    for n in (1, 32, 1024):
        r = kms.generate_random(NumberOfBytes=n)["Plaintext"]
        c.ok(f"GenerateRandom {n}", len(r) == n)
    c.ok("GenerateRandom differs", kms.generate_random(NumberOfBytes=32)["Plaintext"]
         != kms.generate_random(NumberOfBytes=32)["Plaintext"])

    kms.update_key_description(KeyId=kid, Description="renamed")
    c.ok("UpdateKeyDescription", kms.describe_key(KeyId=kid)["KeyMetadata"]["Description"]
         == "renamed")
    c.ok("ListKeyPolicies", kms.list_key_policies(KeyId=kid)["PolicyNames"] == ["default"])
    pol = kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"]
    c.ok("GetKeyPolicy names the account", ACCOUNT in pol)
    c.error("PutKeyPolicy malformed", "MalformedPolicyDocumentException",
            kms.put_key_policy, KeyId=kid, PolicyName="default", Policy='{"Statement": 3}')
    c.run("PutKeyPolicy", kms.put_key_policy, KeyId=kid, PolicyName="default", Policy=pol)
    c.error("DescribeKey of an unknown key", "NotFoundException",
            kms.describe_key, KeyId="00000000-0000-4000-8000-000000000000")
    c.error("Encrypt under an unknown alias", "NotFoundException",
            kms.encrypt, KeyId="alias/none", Plaintext=b"x")
    c.error("GetPublicKey of a symmetric key", "UnsupportedOperationException",
            kms.get_public_key, KeyId=kid)
    return kid, arn


def states(c, kms):
    kid = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=kid, Plaintext=b"s")["CiphertextBlob"]
    kms.disable_key(KeyId=kid)
    c.ok("DisableKey", kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Disabled")
    c.error("Encrypt under a disabled key", "DisabledException",
            kms.encrypt, KeyId=kid, Plaintext=b"x")
    c.error("Decrypt under a disabled key", "DisabledException", kms.decrypt, CiphertextBlob=blob)
    kms.enable_key(KeyId=kid)
    c.ok("EnableKey", kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"s")
    r = kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
    c.ok("ScheduleKeyDeletion", r["KeyState"] == "PendingDeletion" and r["PendingWindowInDays"] == 7)
    c.error("Encrypt under a key pending deletion", "KMSInvalidStateException",
            kms.encrypt, KeyId=kid, Plaintext=b"x")
    c.error("EnableKey of a key pending deletion", "KMSInvalidStateException",
            kms.enable_key, KeyId=kid)
    c.error("ScheduleKeyDeletion window 6", "ValidationException",
            kms.schedule_key_deletion, KeyId=kid, PendingWindowInDays=6)
    kms.cancel_key_deletion(KeyId=kid)
    c.ok("CancelKeyDeletion leaves it disabled",
         kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"] == "Disabled")
    c.error("CancelKeyDeletion of a live key", "KMSInvalidStateException",
            kms.cancel_key_deletion, KeyId=kid)


def rotation(c, kms, raw):
    kid = kms.create_key()["KeyMetadata"]["KeyId"]
    before = kms.encrypt(KeyId=kid, Plaintext=b"old")["CiphertextBlob"]
    kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
    st = kms.get_key_rotation_status(KeyId=kid)
    c.ok("GetKeyRotationStatus", st["KeyRotationEnabled"] and st["RotationPeriodInDays"] == 90)
    for _ in range(3):
        kms.rotate_key_on_demand(KeyId=kid)
    rots, pages = all_pages(c, kms.list_key_rotations, "Rotations", KeyId=kid, Limit=1)
    c.ok("ListKeyRotations pages of 1", len(rots) == 3 and pages == 3, f"{len(rots)} in {pages}")
    c.ok("ListKeyRotations types", all(r["RotationType"] == "ON_DEMAND" for r in rots))
    c.ok("old ciphertext decrypts after rotations",
         kms.decrypt(CiphertextBlob=before)["Plaintext"] == b"old")
    kms.disable_key_rotation(KeyId=kid)
    c.ok("DisableKeyRotation",
         not kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"])
    c.error("EnableKeyRotation period 89", "ValidationException",
            raw.enable_key_rotation, KeyId=kid, RotationPeriodInDays=89)


def aliases_and_paging(c, kms, raw):
    made = [kms.create_key(Description=f"page {i}")["KeyMetadata"]["Arn"] for i in range(5)]
    keys, pages = all_pages(c, kms.list_keys, "Keys", Limit=2)
    arns = [k["KeyArn"] for k in keys]
    c.ok("ListKeys pages cover every key once", len(arns) == len(set(arns))
         and set(made) <= set(arns), f"{len(arns)} keys")
    c.ok("ListKeys Limit 2 makes several pages", pages >= 3)
    c.ok("ListKeys default page holds all", set(k["KeyArn"] for k in kms.list_keys()["Keys"])
         == set(arns))
    for lim in (0, 1001):
        c.error(f"ListKeys Limit {lim}", "ValidationException", raw.list_keys, Limit=lim)
    c.error("ListKeys Marker with a control char", "ValidationException",
            raw.list_keys, Marker="\x01")

    target = made[0]
    for i in range(4):
        kms.create_alias(AliasName=f"alias/suite-{i}", TargetKeyId=target)
    c.error("CreateAlias twice", "AlreadyExistsException",
            kms.create_alias, AliasName="alias/suite-0", TargetKeyId=target)
    c.error("CreateAlias aws/ prefix", "ValidationException",
            kms.create_alias, AliasName="alias/aws/x", TargetKeyId=target)
    al, pages = all_pages(c, kms.list_aliases, "Aliases", Limit=1)
    names = [a["AliasName"] for a in al]
    c.ok("ListAliases pages of 1", pages == len(names) and
         {f"alias/suite-{i}" for i in range(4)} <= set(names), str(names))
    by_key = kms.list_aliases(KeyId=target)["Aliases"]
    c.ok("ListAliases KeyId filter", len(by_key) == 4 and all(
        a["TargetKeyId"] == target.rsplit("/", 1)[1] for a in by_key))
    c.error("ListAliases Limit 101", "ValidationException", raw.list_aliases, Limit=101)
    ct = kms.encrypt(KeyId="alias/suite-1", Plaintext=b"a")
    c.ok("Encrypt through an alias", ct["KeyId"] == target)
    kms.update_alias(AliasName="alias/suite-1", TargetKeyId=made[1])
    c.ok("UpdateAlias", kms.encrypt(KeyId="alias/suite-1", Plaintext=b"a")["KeyId"] == made[1])
    kms.delete_alias(AliasName="alias/suite-1")
    c.error("DeleteAlias then use", "NotFoundException",
            kms.encrypt, KeyId="alias/suite-1", Plaintext=b"a")
    c.error("DeleteAlias unknown", "NotFoundException", kms.delete_alias, AliasName="alias/nope")


def tags(c, kms, raw):
    kid = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.tag_resource(KeyId=kid, Tags=[{"TagKey": f"k{i:02}", "TagValue": f"v{i}"}
                                      for i in range(5)])
    got, pages = all_pages(c, kms.list_resource_tags, "Tags", KeyId=kid, Limit=2)
    c.ok("ListResourceTags pages", pages == 3 and [t["TagKey"] for t in got]
         == [f"k{i:02}" for i in range(5)], str(got))
    kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "k00", "TagValue": "new"}])
    first = kms.list_resource_tags(KeyId=kid, Limit=1)["Tags"][0]
    c.ok("TagResource replaces a value", first == {"TagKey": "k00", "TagValue": "new"})
    kms.untag_resource(KeyId=kid, TagKeys=["k00", "k01"])
    c.ok("UntagResource", len(kms.list_resource_tags(KeyId=kid)["Tags"]) == 3)
    c.error("TagResource aws: prefix", "TagException",
            kms.tag_resource, KeyId=kid, Tags=[{"TagKey": "aws:x", "TagValue": "v"}])
    c.error("TagResource TagKey of 129", "ValidationException", raw.tag_resource,
            KeyId=kid, Tags=[{"TagKey": "k" * 129, "TagValue": "v"}])
    c.error("TagResource TagValue of 257", "ValidationException", raw.tag_resource,
            KeyId=kid, Tags=[{"TagKey": "k", "TagValue": "v" * 257}])
    c.run("TagResource TagValue of 256", kms.tag_resource,
          KeyId=kid, Tags=[{"TagKey": "long", "TagValue": "v" * 256}])
    c.error("TagResource past 50 tags", "LimitExceededException", kms.tag_resource,
            KeyId=kid, Tags=[{"TagKey": f"m{i}", "TagValue": ""} for i in range(47)])
    c.error("CreateKey with 51 tags", "ValidationException", raw.create_key,
            Tags=[{"TagKey": f"t{i}", "TagValue": ""} for i in range(51)])
    c.error("ListResourceTags Limit 51", "ValidationException",
            raw.list_resource_tags, KeyId=kid, Limit=51)
    c.error("TagResource unknown key", "NotFoundException", kms.tag_resource,
            KeyId="00000000-0000-4000-8000-000000000000", Tags=[{"TagKey": "a", "TagValue": "b"}])


def grants(c, kms, bob):
    arn = kms.create_key()["KeyMetadata"]["Arn"]
    ctx = {"purpose": "granted", "extra": "1"}
    c.error("bob without a grant: Encrypt", "AccessDeniedException",
            bob.encrypt, KeyId=arn, Plaintext=b"x", EncryptionContext=ctx)
    c.error("bob without a grant: DescribeKey", "AccessDeniedException",
            bob.describe_key, KeyId=arn)
    g = kms.create_grant(KeyId=arn, GranteePrincipal=BOB_ARN, Operations=["Encrypt", "Decrypt"],
                         Constraints={"EncryptionContextSubset": {"purpose": "granted"}})
    c.ok("CreateGrant returns id and token", g["GrantId"] and g["GrantToken"])
    ct = c.run("bob Encrypt under a grant", bob.encrypt, KeyId=arn, Plaintext=b"granted",
               EncryptionContext=ctx)
    if ct:
        c.ok("bob Decrypt under a grant", bob.decrypt(
            CiphertextBlob=ct["CiphertextBlob"], EncryptionContext=ctx)["Plaintext"] == b"granted")
    c.error("bob Encrypt outside the subset constraint", "AccessDeniedException",
            bob.encrypt, KeyId=arn, Plaintext=b"x", EncryptionContext={"purpose": "other"})
    c.error("bob Encrypt without a context", "AccessDeniedException",
            bob.encrypt, KeyId=arn, Plaintext=b"x")
    c.error("bob GenerateDataKey (not granted)", "AccessDeniedException",
            bob.generate_data_key, KeyId=arn, KeySpec="AES_256", EncryptionContext=ctx)
    c.error("bob CreateGrant (not granted)", "AccessDeniedException", bob.create_grant,
            KeyId=arn, GranteePrincipal=BOB_ARN, Operations=["GenerateDataKey"])

    eq = kms.create_grant(KeyId=arn, GranteePrincipal=BOB_ARN, Operations=["GenerateDataKey"],
                          Constraints={"EncryptionContextEquals": {"only": "this"}},
                          RetiringPrincipal=BOB_ARN, Name="eq-grant")
    dk = c.run("bob GenerateDataKey under an Equals grant", bob.generate_data_key, KeyId=arn,
               KeySpec="AES_256", EncryptionContext={"only": "this"})
    if dk:
        c.ok("its data key decrypts for the admin", kms.decrypt(
            CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"only": "this"}
        )["Plaintext"] == dk["Plaintext"])
    c.error("bob GenerateDataKey with a wider context", "AccessDeniedException",
            bob.generate_data_key, KeyId=arn, KeySpec="AES_256",
            EncryptionContext={"only": "this", "and": "more"})
    again = kms.create_grant(KeyId=arn, GranteePrincipal=BOB_ARN, Operations=["GenerateDataKey"],
                             Constraints={"EncryptionContextEquals": {"only": "this"}},
                             RetiringPrincipal=BOB_ARN, Name="eq-grant")
    c.ok("CreateGrant with the same Name is idempotent", again["GrantId"] == eq["GrantId"])
    sign_only = kms.create_grant(KeyId=arn, GranteePrincipal=BOB_ARN, Operations=["DescribeKey"])
    c.ok("bob DescribeKey under a grant",
         bob.describe_key(KeyId=arn)["KeyMetadata"]["Arn"] == arn)

    listed, pages = all_pages(c, kms.list_grants, "Grants", KeyId=arn, Limit=1)
    ids = {x["GrantId"] for x in listed}
    c.ok("ListGrants pages of 1", pages == 3 and ids == {
        g["GrantId"], eq["GrantId"], sign_only["GrantId"]}, f"{len(ids)} in {pages}")
    one = kms.list_grants(KeyId=arn, GrantId=eq["GrantId"])["Grants"]
    c.ok("ListGrants GrantId filter", len(one) == 1 and one[0]["Name"] == "eq-grant"
         and one[0]["Constraints"] == {"EncryptionContextEquals": {"only": "this"}}
         and one[0]["GranteePrincipal"] == BOB_ARN and one[0]["RetiringPrincipal"] == BOB_ARN)
    c.error("bob ListGrants (not granted)", "AccessDeniedException", bob.list_grants, KeyId=arn)
    c.error("CreateGrant unknown operation", "ValidationException", kms.create_grant,
            KeyId=arn, GranteePrincipal=BOB_ARN, Operations=["ScheduleKeyDeletion"])
    c.error("CreateGrant constraint on DescribeKey", "ValidationException", kms.create_grant,
            KeyId=arn, GranteePrincipal=BOB_ARN, Operations=["DescribeKey"],
            Constraints={"EncryptionContextSubset": {"a": "b"}})

    c.run("bob RetireGrant by token (retiring principal)", bob.retire_grant,
          GrantToken=eq["GrantToken"])
    c.error("bob GenerateDataKey after RetireGrant", "AccessDeniedException",
            bob.generate_data_key, KeyId=arn, KeySpec="AES_256",
            EncryptionContext={"only": "this"})
    c.error("RetireGrant twice", "InvalidGrantTokenException",
            kms.retire_grant, GrantToken=eq["GrantToken"])
    c.error("RetireGrant garbage token", "InvalidGrantTokenException",
            kms.retire_grant, GrantToken="not-a-token")
    c.error("bob RetireGrant (not retiring principal)", "AccessDeniedException",
            bob.retire_grant, KeyId=arn, GrantId=g["GrantId"])
    c.run("RevokeGrant", kms.revoke_grant, KeyId=arn, GrantId=g["GrantId"])
    c.error("bob Encrypt after RevokeGrant", "AccessDeniedException",
            bob.encrypt, KeyId=arn, Plaintext=b"x", EncryptionContext=ctx)
    c.error("RevokeGrant unknown", "NotFoundException",
            kms.revoke_grant, KeyId=arn, GrantId="0" * 64)
    c.run("RetireGrant by KeyId and GrantId (admin)", kms.retire_grant,
          KeyId=arn, GrantId=sign_only["GrantId"])
    c.ok("no grants left", kms.list_grants(KeyId=arn)["Grants"] == [])
    c.ok("bob lists only his own account's keys", bob.list_keys()["Keys"] == [])


def rsa_pub(der):
    return serialization.load_der_public_key(der)


PSS = {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}


def asymmetric(c, kms):
    # Encrypt locally with GetPublicKey's key, decrypt on the server.
    for spec in ("RSA_2048", "RSA_3072"):
        kid = kms.create_key(KeySpec=spec, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
        pk = kms.get_public_key(KeyId=kid)
        c.ok(f"GetPublicKey {spec} algorithms", pk["EncryptionAlgorithms"]
             == ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"])
        pub = rsa_pub(pk["PublicKey"])
        c.ok(f"{spec} public key size", pub.key_size == int(spec[4:]))
        for alg, h in (("RSAES_OAEP_SHA_256", hashes.SHA256), ("RSAES_OAEP_SHA_1", hashes.SHA1)):
            pt = secrets.token_bytes(100)
            ct = pub.encrypt(pt, padding.OAEP(mgf=padding.MGF1(h()), algorithm=h(), label=None))
            r = kms.decrypt(KeyId=kid, CiphertextBlob=ct, EncryptionAlgorithm=alg)
            c.ok(f"{spec} local {alg} encrypt, server decrypt", r["Plaintext"] == pt)
        c.error(f"{spec} Decrypt of a modified ciphertext", "InvalidCiphertextException",
                kms.decrypt, KeyId=kid, EncryptionAlgorithm="RSAES_OAEP_SHA_256",
                CiphertextBlob=b"\x00" * (pub.key_size // 8))
        c.error(f"{spec} Sign with an encryption key", "InvalidKeyUsageException", kms.sign,
                KeyId=kid, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")

    # Sign on the server, verify locally.
    kid = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    pub = rsa_pub(kms.get_public_key(KeyId=kid)["PublicKey"])
    msg = b"signed by the key server"
    for h in ("SHA_256", "SHA_384", "SHA_512"):
        for scheme in ("PSS", "PKCS1_V1_5"):
            alg = f"RSASSA_{scheme}_{h}"
            sig = kms.sign(KeyId=kid, Message=msg, SigningAlgorithm=alg)["Signature"]
            pad = (padding.PSS(mgf=padding.MGF1(PSS[h]()), salt_length=PSS[h]().digest_size)
                   if scheme == "PSS" else padding.PKCS1v15())
            try:
                pub.verify(sig, msg, pad, PSS[h]())
                good = True
            except InvalidSignature:
                good = False
            c.ok(f"RSA {alg} verifies locally", good)
            c.ok(f"RSA {alg} Verify on the server", kms.verify(
                KeyId=kid, Message=msg, Signature=sig, SigningAlgorithm=alg)["SignatureValid"])
    curves = (("ECC_NIST_P256", "ECDSA_SHA_256", ec.SECP256R1, hashes.SHA256),
              ("ECC_NIST_P384", "ECDSA_SHA_384", ec.SECP384R1, hashes.SHA384),
              ("ECC_NIST_P521", "ECDSA_SHA_512", ec.SECP521R1, hashes.SHA512),
              ("ECC_SECG_P256K1", "ECDSA_SHA_256", ec.SECP256K1, hashes.SHA256))
    for spec, alg, curve, h in curves:
        md = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        c.ok(f"{spec} signing algorithms", md["SigningAlgorithms"] == [alg])
        pub = serialization.load_der_public_key(kms.get_public_key(KeyId=md["KeyId"])["PublicKey"])
        c.ok(f"{spec} public key curve", isinstance(pub.curve, curve))
        sig = kms.sign(KeyId=md["KeyId"], Message=msg, SigningAlgorithm=alg)["Signature"]
        try:
            pub.verify(sig, msg, ec.ECDSA(h()))
            good = True
        except InvalidSignature:
            good = False
        c.ok(f"{spec} signature verifies locally", good)
        digest = hashlib.new(h.name, msg).digest()
        dsig = kms.sign(KeyId=md["KeyId"], Message=digest, MessageType="DIGEST",
                        SigningAlgorithm=alg)["Signature"]
        try:
            pub.verify(dsig, digest, ec.ECDSA(utils.Prehashed(h())))
            good = True
        except InvalidSignature:
            good = False
        c.ok(f"{spec} DIGEST signature verifies locally", good)
        c.ok(f"{spec} Verify on the server", kms.verify(
            KeyId=md["KeyId"], Message=msg, Signature=sig, SigningAlgorithm=alg)["SignatureValid"])
        c.error(f"{spec} Verify of another message", "KMSInvalidSignatureException",
                kms.verify, KeyId=md["KeyId"], Message=b"other", Signature=sig,
                SigningAlgorithm=alg)
        wrong = "ECDSA_SHA_384" if alg != "ECDSA_SHA_384" else "ECDSA_SHA_256"
        c.error(f"{spec} Sign with {wrong}", "InvalidKeyUsageException", kms.sign,
                KeyId=md["KeyId"], Message=msg, SigningAlgorithm=wrong)


def macs(c, kms):
    # The key never leaves the server, so Python's hmac checks what it can: the tag length of
    # each algorithm, and that the server's VerifyMac agrees with its GenerateMac.
    for bits in (224, 256, 384, 512):
        md = kms.create_key(KeySpec=f"HMAC_{bits}", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]
        alg = f"HMAC_SHA_{bits}"
        c.ok(f"HMAC_{bits} MacAlgorithms", md["MacAlgorithms"] == [alg])
        mac = kms.generate_mac(KeyId=md["KeyId"], Message=b"mac me", MacAlgorithm=alg)["Mac"]
        ref = py_hmac.new(b"k", b"mac me", getattr(hashlib, f"sha{bits}")).digest()
        c.ok(f"HMAC_{bits} tag length matches Python hmac", len(mac) == len(ref))
        c.ok(f"HMAC_{bits} is deterministic", kms.generate_mac(
            KeyId=md["KeyId"], Message=b"mac me", MacAlgorithm=alg)["Mac"] == mac)
        c.ok(f"HMAC_{bits} VerifyMac", kms.verify_mac(
            KeyId=md["KeyId"], Message=b"mac me", Mac=mac, MacAlgorithm=alg)["MacValid"])
        bad = bytes([mac[0] ^ 1]) + mac[1:]
        c.error(f"HMAC_{bits} VerifyMac of a changed tag", "KMSInvalidMacException",
                kms.verify_mac, KeyId=md["KeyId"], Message=b"mac me", Mac=bad, MacAlgorithm=alg)
        c.error(f"HMAC_{bits} Encrypt", "InvalidKeyUsageException",
                kms.encrypt, KeyId=md["KeyId"], Plaintext=b"x")


def key_pairs(c, kms, kid):
    ctx = {"pair": "yes"}
    for spec in ("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384",
                 "ECC_NIST_P521", "ECC_SECG_P256K1"):
        r = kms.generate_data_key_pair(KeyId=kid, KeyPairSpec=spec, EncryptionContext=ctx)
        priv = serialization.load_der_private_key(r["PrivateKeyPlaintext"], password=None)
        derived = priv.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
        c.ok(f"GenerateDataKeyPair {spec}: private key matches public key",
             derived == r["PublicKey"])
        c.ok(f"GenerateDataKeyPair {spec}: spec", r["KeyPairSpec"] == spec)
        if spec.startswith("RSA"):
            c.ok(f"GenerateDataKeyPair {spec}: size", priv.key_size == int(spec[4:]))
        back = kms.decrypt(CiphertextBlob=r["PrivateKeyCiphertextBlob"], EncryptionContext=ctx)
        c.ok(f"GenerateDataKeyPair {spec}: ciphertext decrypts to the private key",
             back["Plaintext"] == r["PrivateKeyPlaintext"])
        c.error(f"GenerateDataKeyPair {spec}: context is bound", "InvalidCiphertextException",
                kms.decrypt, CiphertextBlob=r["PrivateKeyCiphertextBlob"])
    w = kms.generate_data_key_pair_without_plaintext(KeyId=kid, KeyPairSpec="ECC_NIST_P256",
                                                     EncryptionContext=ctx)
    c.ok("GenerateDataKeyPairWithoutPlaintext has no plaintext", "PrivateKeyPlaintext" not in w)
    priv = serialization.load_der_private_key(kms.decrypt(
        CiphertextBlob=w["PrivateKeyCiphertextBlob"], EncryptionContext=ctx)["Plaintext"], None)
    c.ok("GenerateDataKeyPairWithoutPlaintext: decrypted private key matches",
         priv.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
         == w["PublicKey"])
    sig = priv.sign(b"pair", ec.ECDSA(hashes.SHA256()))
    try:
        serialization.load_der_public_key(w["PublicKey"]).verify(
            sig, b"pair", ec.ECDSA(hashes.SHA256()))
        good = True
    except InvalidSignature:
        good = False
    c.ok("data key pair signs and verifies", good)
    asym = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    c.error("GenerateDataKeyPair under an asymmetric key", "InvalidKeyUsageException",
            kms.generate_data_key_pair, KeyId=asym, KeyPairSpec="ECC_NIST_P256")
    c.error("GenerateDataKeyPair bad spec", "ValidationException",
            kms.generate_data_key_pair, KeyId=kid, KeyPairSpec="HMAC_256")


def limits(c, raw, kid):
    # Every oversized value is made of "Q"s, so an echo of it shows in the message.
    def no_echo(name, code, fn, **kwargs):
        msg = c.error(name, code, fn, **kwargs)
        c.ok(f"{name}: message does not echo the input", len(msg) < 200 and "QQQQ" not in msg,
             msg[:80])

    big = "Q" * 100_000
    no_echo("KeyId of 100,000 chars", "ValidationException",
            raw.describe_key, KeyId=big)
    no_echo("KeyId of 2049 chars", "ValidationException",
            raw.encrypt, KeyId="Q" * 2049, Plaintext=b"x")
    c.error("KeyId of 2048 chars is a NotFound", "NotFoundException",
            raw.describe_key, KeyId="Q" * 2048)
    no_echo("Description of 8193", "ValidationException",
            raw.create_key, Description="Q" * 8193)
    c.run("Description of 8192", raw.create_key, Description="d" * 8192)
    no_echo("UpdateKeyDescription of 8193", "ValidationException",
            raw.update_key_description, KeyId=kid, Description="Q" * 8193)
    no_echo("AliasName of 257", "ValidationException",
            raw.create_alias, AliasName="alias/" + "Q" * 251, TargetKeyId=kid)
    no_echo("Plaintext of 4097", "ValidationException",
            raw.encrypt, KeyId=kid, Plaintext=b"Q" * 4097)
    no_echo("GrantTokens of 11", "ValidationException",
            raw.encrypt, KeyId=kid, Plaintext=b"x", GrantTokens=["QQQQ"] * 11)
    no_echo("EncryptionContext over 8 KiB", "ValidationException",
            raw.encrypt, KeyId=kid, Plaintext=b"x", EncryptionContext={"k": "Q" * 9000})
    no_echo("Policy over 32 KiB", "ValidationException", raw.put_key_policy,
            KeyId=kid, PolicyName="default", Policy="Q" * 33_000)
    no_echo("GenerateRandom 1025", "ValidationException",
            raw.generate_random, NumberOfBytes=1025)
    no_echo("GenerateRandom 0", "ValidationException", raw.generate_random, NumberOfBytes=0)
    no_echo("GenerateDataKey NumberOfBytes 1025", "ValidationException",
            raw.generate_data_key, KeyId=kid, NumberOfBytes=1025)
    no_echo("Message of 4097", "ValidationException", raw.generate_mac,
            KeyId=kid, Message=b"Q" * 4097, MacAlgorithm="HMAC_SHA_256")
    no_echo("CiphertextBlob of 6145", "ValidationException",
            raw.decrypt, CiphertextBlob=b"Q" * 6145)
    no_echo("ListGrants Limit 101", "ValidationException",
            raw.list_grants, KeyId=kid, Limit=101)
    no_echo("ListKeyRotations Limit 1001", "ValidationException",
            raw.list_key_rotations, KeyId=kid, Limit=1001)


def multi_region(c, kms, west):
    md = kms.create_key(MultiRegion=True)["KeyMetadata"]
    c.ok("CreateKey MultiRegion", md["KeyId"].startswith("mrk-") and md["MultiRegion"])
    rep = kms.replicate_key(KeyId=md["KeyId"], ReplicaRegion="us-west-2")
    c.ok("ReplicateKey", rep["ReplicaKeyMetadata"]["Arn"].startswith("arn:aws:kms:us-west-2:"))
    blob = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"mrk")["CiphertextBlob"]
    c.ok("a replica decrypts the primary's ciphertext",
         west.decrypt(CiphertextBlob=blob)["Plaintext"] == b"mrk")
    c.error("ReplicateKey of a single-Region key", "UnsupportedOperationException",
            kms.replicate_key, KeyId=kms.create_key()["KeyMetadata"]["KeyId"],
            ReplicaRegion="us-west-2")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True, help="the sealkit-key-server binary")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="sealkit-boto3-")
    proc = None
    try:
        data = os.path.join(tmp, "data")
        subprocess.run([args.server, "init", "--data", data,
                        "--principal", f"arn:aws:iam::{ACCOUNT}:user/admin"],
                       check=True, stdout=subprocess.DEVNULL)
        bob_akid = "AKIABOB" + secrets.token_hex(6).upper()
        bob_secret = base64.b64encode(secrets.token_bytes(30)).decode()
        bob_file = os.path.join(tmp, "bob.credentials")
        fd = os.open(bob_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"[bob]\naws_access_key_id = {bob_akid}\n"
                    f"aws_secret_access_key = {bob_secret}\nprincipal_arn = {BOB_ARN}\n")
        # The admin caller comes from init's credentials file, as a user would run it.
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(data, "credentials")
        os.environ.pop("AWS_PROFILE", None)
        for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            os.environ.pop(var, None)
        os.environ["AWS_CONFIG_FILE"] = os.path.join(tmp, "no-config")
        proc, url = start_server(args.server, data, bob_file)
        c = Checks()
        kms, raw, west = clients(url)
        bob = bob_client(url, bob_akid, bob_secret)
        found = {}

        def section(name, fn):
            # A section that stops on an unexpected exception counts as one failed check, and
            # the other sections still run.
            try:
                fn()
            except Exception as e:  # noqa: BLE001
                c.ok(f"section {name} ran to the end", False, f"{type(e).__name__}: {e}")

        section("symmetric", lambda: found.update(kid=symmetric(c, kms)[0]))
        kid = found.get("kid") or kms.create_key()["KeyMetadata"]["KeyId"]
        section("states", lambda: states(c, kms))
        section("rotation", lambda: rotation(c, kms, raw))
        section("aliases and paging", lambda: aliases_and_paging(c, kms, raw))
        section("tags", lambda: tags(c, kms, raw))
        section("grants", lambda: grants(c, kms, bob))
        section("asymmetric", lambda: asymmetric(c, kms))
        section("macs", lambda: macs(c, kms))
        section("key pairs", lambda: key_pairs(c, kms, kid))
        section("limits", lambda: limits(c, raw, kid))
        section("multi-Region", lambda: multi_region(c, kms, west))
        total = c.passed + len(c.failed)
        print(f"boto3 suite: {c.passed} of {total} checks passed, {len(c.failed)} failed")
        return 1 if c.failed else 0
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
