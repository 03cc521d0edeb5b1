#!/usr/bin/env python3
"""Official Python ESDK as an offline interop oracle (raw AES / raw RSA keys only).

Interpreter: a venv with aws-encryption-sdk[MPL]==4.0.7 (Python >= 3.11)
  (pip: aws-encryption-sdk==4.0.7, aws-cryptographic-material-providers==1.11.3,
   i.e. `pip install "aws-encryption-sdk[MPL]"`; Python >= 3.11 for the MPL)

Usage
  esdk_py_roundtrip.py                  # self-test: both APIs, every suite x policy, prints a table
  esdk_py_roundtrip.py encrypt [opts] < plaintext > message
  esdk_py_roundtrip.py decrypt [opts] < message   > plaintext     (exit 1 + stderr on failure)
  esdk_py_roundtrip.py inspect < message                          (JSON: suite, EC, EDKs, framing)

Options (encrypt/decrypt)
  --api keyring|legacy     MPL Raw AES/RSA keyring (default) or legacy RawMasterKey provider
  --key aes-128|aes-192|aes-256|rsa-4096-private   key from --keys (default aes-256)
  --rsa-padding pkcs1|oaep-sha1|oaep-sha256|oaep-sha384|oaep-sha512   (default oaep-sha256)
  --keys PATH              keys manifest (default ../vectors/esdk/keys.json beside this file, then $ESDK_KEYS)
  --provider-id STR        key namespace / provider ID (default aws-raw-vectors-persistant)
  --key-name STR           key name (default: the key's "key-id")
  --policy FORBID_ENCRYPT_ALLOW_DECRYPT|REQUIRE_ENCRYPT_ALLOW_DECRYPT|REQUIRE_ENCRYPT_REQUIRE_DECRYPT
                           (default: REQUIRE_ENCRYPT_ALLOW_DECRYPT, or FORBID_... when --suite is non-committing)
  --suite HEX              e.g. 0578 (encrypt only; default = policy default)
  --frame-length N         0 = non-framed (encrypt only; Python requires a multiple of 128; default 4096)
  --ec k=v                 encryption context pair (repeatable). On decrypt with --api keyring these
                           become the *reproduced* EC that must match the message.
  --required-ec-key K      (keyring API) use the RequiredEncryptionContext CMM; K is authenticated but not stored
Everything here runs offline: raw keyrings never touch the network.
"""
import argparse
import base64
import json
import logging
import os
import sys

import aws_encryption_sdk
from aws_encryption_sdk import CommitmentPolicy
from aws_encryption_sdk.identifiers import Algorithm, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.raw import RawMasterKeyProvider

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_KEYS = os.path.join(HERE, "..", "vectors", "esdk", "keys.json")
PID = "aws-raw-vectors-persistant"
SUITES = [0x0014, 0x0046, 0x0078, 0x0114, 0x0146, 0x0178, 0x0214, 0x0346, 0x0378, 0x0478, 0x0578]
POLICIES = [CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT, CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
            CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT]
LEGACY_RSA = {"pkcs1": WrappingAlgorithm.RSA_PKCS1, "oaep-sha1": WrappingAlgorithm.RSA_OAEP_SHA1_MGF1,
              "oaep-sha256": WrappingAlgorithm.RSA_OAEP_SHA256_MGF1,
              "oaep-sha384": WrappingAlgorithm.RSA_OAEP_SHA384_MGF1,
              "oaep-sha512": WrappingAlgorithm.RSA_OAEP_SHA512_MGF1}
LEGACY_AES = {128: WrappingAlgorithm.AES_128_GCM_IV12_TAG16_NO_PADDING,
              192: WrappingAlgorithm.AES_192_GCM_IV12_TAG16_NO_PADDING,
              256: WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING}


def load_keys(path):
    for p in (path, DEFAULT_KEYS, os.environ.get("ESDK_KEYS")):
        if p and os.path.exists(p):
            return json.load(open(p))["keys"]
    # Fallback so the self-test also works stand-alone: fixed demo AES-256 key.
    return {"aes-256": {"type": "symmetric", "key-id": "aes-256", "bits": 256, "encoding": "base64",
                        "material": base64.b64encode(bytes(range(32))).decode()}}


# ---------------------------------------------------------------- legacy API
class _StaticRawProvider(RawMasterKeyProvider):
    """Legacy (pre-MPL) raw master key provider holding one static key."""

    provider_id = PID

    def __init__(self, **kwargs):  # pylint: disable=unused-argument
        self._keys = {}

    def add_static(self, key_name, wrapping_key):
        self._keys[key_name.encode()] = wrapping_key
        self.add_master_key(key_name.encode())

    def _get_raw_key(self, key_id):
        return self._keys[key_id]


def legacy_provider(key, key_name, provider_id, rsa_padding):
    _StaticRawProvider.provider_id = provider_id
    p = _StaticRawProvider()
    if key["type"] == "symmetric":
        wk = WrappingKey(wrapping_algorithm=LEGACY_AES[key["bits"]],
                         wrapping_key=base64.b64decode(key["material"]),
                         wrapping_key_type=EncryptionKeyType.SYMMETRIC)
    else:
        wk = WrappingKey(wrapping_algorithm=LEGACY_RSA[rsa_padding], wrapping_key=key["material"].encode(),
                         wrapping_key_type=(EncryptionKeyType.PRIVATE if key["type"] == "private"
                                            else EncryptionKeyType.PUBLIC))
    p.add_static(key_name, wk)
    return p


# ---------------------------------------------------------------- MPL keyring API
def mpl_keyring(key, key_name, provider_id, rsa_padding):
    from aws_cryptographic_material_providers.mpl import AwsCryptographicMaterialProviders
    from aws_cryptographic_material_providers.mpl.config import MaterialProvidersConfig
    from aws_cryptographic_material_providers.mpl.models import (AesWrappingAlg, CreateRawAesKeyringInput,
                                                                 CreateRawRsaKeyringInput, PaddingScheme)
    from cryptography.hazmat.primitives import serialization
    mpl = AwsCryptographicMaterialProviders(config=MaterialProvidersConfig())
    if key["type"] == "symmetric":
        alg = {128: AesWrappingAlg.ALG_AES128_GCM_IV12_TAG16, 192: AesWrappingAlg.ALG_AES192_GCM_IV12_TAG16,
               256: AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16}[key["bits"]]
        return mpl.create_raw_aes_keyring(CreateRawAesKeyringInput(
            key_namespace=provider_id, key_name=key_name, wrapping_key=base64.b64decode(key["material"]),
            wrapping_alg=alg)), mpl
    pad = {"pkcs1": PaddingScheme.PKCS1, "oaep-sha1": PaddingScheme.OAEP_SHA1_MGF1,
           "oaep-sha256": PaddingScheme.OAEP_SHA256_MGF1, "oaep-sha384": PaddingScheme.OAEP_SHA384_MGF1,
           "oaep-sha512": PaddingScheme.OAEP_SHA512_MGF1}[rsa_padding]
    kw = dict(key_namespace=provider_id, key_name=key_name, padding_scheme=pad)
    if key["type"] == "private":
        priv = serialization.load_pem_private_key(key["material"].encode(), password=None)
        kw["private_key"] = priv.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption())
        kw["public_key"] = priv.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    else:
        kw["public_key"] = key["material"].encode()
    return mpl.create_raw_rsa_keyring(CreateRawRsaKeyringInput(**kw)), mpl


def materials_kwargs(args, keys):
    key = keys[args.key]
    name = args.key_name or key.get("key-id", args.key)
    if args.api == "legacy":
        return {"key_provider": legacy_provider(key, name, args.provider_id, args.rsa_padding)}
    kr, mpl = mpl_keyring(key, name, args.provider_id, args.rsa_padding)
    if args.required_ec_key:
        from aws_cryptographic_material_providers.mpl.models import (
            CreateDefaultCryptographicMaterialsManagerInput, CreateRequiredEncryptionContextCMMInput)
        cmm = mpl.create_default_cryptographic_materials_manager(
            CreateDefaultCryptographicMaterialsManagerInput(keyring=kr))
        return {"materials_manager": mpl.create_required_encryption_context_cmm(
            CreateRequiredEncryptionContextCMMInput(underlying_cmm=cmm,
                                                    required_encryption_context_keys=args.required_ec_key))}
    return {"keyring": kr}


def policy_for(args, suite):
    if args.policy:
        return getattr(CommitmentPolicy, args.policy)
    if suite is not None and not Algorithm.get_by_id(suite).is_committing():
        return CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT
    return CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT


def parse_ec(pairs):
    return dict(p.split("=", 1) for p in (pairs or []))


def do_encrypt(args, keys, plaintext):
    suite = int(args.suite, 16) if args.suite else None
    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=policy_for(args, suite))
    kw = dict(source=plaintext, encryption_context=parse_ec(args.ec), frame_length=args.frame_length)
    if suite is not None:
        kw["algorithm"] = Algorithm.get_by_id(suite)
    kw.update(materials_kwargs(args, keys))
    ct, header = client.encrypt(**kw)
    return ct, header


def do_decrypt(args, keys, message):
    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=policy_for(args, None))
    kw = dict(source=message)
    kw.update(materials_kwargs(args, keys))
    if args.ec and args.api == "keyring":
        kw["encryption_context"] = parse_ec(args.ec)
    pt, header = client.decrypt(**kw)
    if args.ec and args.api == "legacy":  # legacy API: check the EC ourselves
        for k, v in parse_ec(args.ec).items():
            if header.encryption_context.get(k) != v:
                raise ValueError("encryption context mismatch on %r" % k)
    return pt, header


def inspect(message):
    sys.path.insert(0, HERE)
    from esdk_parse import parse
    h = parse(message)
    h.pop("offsets", None)
    return h


def selftest(keys):
    print("aws-encryption-sdk", aws_encryption_sdk.__version__)
    try:
        import importlib.metadata as md
        print("aws-cryptographic-material-providers", md.version("aws-cryptographic-material-providers"))
    except Exception:  # noqa: BLE001
        print("aws-cryptographic-material-providers: not installed (keyring API unavailable)")
    ns = argparse.Namespace(api=None, key="aes-256", key_name=None, provider_id=PID, rsa_padding="oaep-sha256",
                            policy=None, suite=None, frame_length=4096, ec=["purpose=interop-test", "tenant=42"],
                            required_ec_key=None)
    pt = b"Hello from the Python ESDK oracle! " * 100
    # 1. plain roundtrip with both APIs (+ cross-API decrypt)
    for enc_api in ("legacy", "keyring"):
        ns.api = enc_api
        ct, hdr = do_encrypt(ns, keys, pt)
        for dec_api in ("legacy", "keyring"):
            ns.api = dec_api
            out, dh = do_decrypt(ns, keys, ct)
            assert out == pt
            print("roundtrip enc=%-7s dec=%-7s suite=%04X ec=%s  OK" % (
                enc_api, dec_api, hdr.algorithm.algorithm_id, dict(sorted(dh.encryption_context.items()))))
        ns.api = enc_api
    # 2. every suite under every commitment policy
    print("\nsuite  " + "  ".join("%-31s" % p.name for p in POLICIES))
    for s in SUITES:
        row = []
        for pol in POLICIES:
            ns.api, ns.suite, ns.policy = "keyring", "%04X" % s, pol.name
            try:
                ct, hdr = do_encrypt(ns, keys, pt)
                ns.suite = None
                out, _ = do_decrypt(ns, keys, ct)
                assert out == pt
                cell = "ok (%d B, v%d%s)" % (len(ct), ct[0], ", signed" if s in (0x0214, 0x0346, 0x0378, 0x0578)
                                             else "")
            except Exception as e:  # noqa: BLE001
                cell = "refused: " + type(e).__name__
            row.append("%-31s" % cell)
        print("%04X   %s" % (s, "  ".join(row)))
    ns.suite, ns.policy = None, None
    # 3. non-framed + required-EC CMM
    ns.api, ns.frame_length = "keyring", 0
    ct, _ = do_encrypt(ns, keys, pt)
    assert ct[0] == 2 and do_decrypt(ns, keys, ct)[0] == pt
    print("\nnon-framed 0578 roundtrip OK (content type byte:", inspect(ct)["content_type"], ")")
    ns.frame_length, ns.required_ec_key = 4096, ["tenant"]
    ct, _ = do_encrypt(ns, keys, pt)
    stored = inspect(ct)["encryption_context"]
    assert "tenant" not in stored and do_decrypt(ns, keys, ct)[0] == pt
    print("required-EC CMM roundtrip OK; stored EC keys:", sorted(stored))
    print("\nSELFTEST PASSED")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", nargs="?", default="selftest", choices=["selftest", "encrypt", "decrypt", "inspect"])
    ap.add_argument("--api", choices=["keyring", "legacy"], default="keyring")
    ap.add_argument("--key", default="aes-256")
    ap.add_argument("--key-name")
    ap.add_argument("--keys")
    ap.add_argument("--provider-id", default=PID)
    ap.add_argument("--rsa-padding", default="oaep-sha256", choices=sorted(LEGACY_RSA))
    ap.add_argument("--policy", choices=[p.name for p in POLICIES])
    ap.add_argument("--suite")
    ap.add_argument("--frame-length", type=int, default=4096)
    ap.add_argument("--ec", action="append")
    ap.add_argument("--required-ec-key", action="append")
    args = ap.parse_args()
    # The ESDK logs "Error on closing" tracebacks for failed decrypts; keep stderr to one line.
    logging.getLogger("aws_encryption_sdk").setLevel(logging.CRITICAL)
    keys = load_keys(args.keys)
    if args.cmd == "selftest":
        return selftest(keys)
    data = sys.stdin.buffer.read()
    try:
        if args.cmd == "encrypt":
            out, _ = do_encrypt(args, keys, data)
        elif args.cmd == "decrypt":
            out, _ = do_decrypt(args, keys, data)
        else:
            out = (json.dumps(inspect(data), indent=1) + "\n").encode()
    except Exception as e:  # noqa: BLE001
        sys.stderr.write("ERROR %s: %s\n" % (type(e).__name__, e))
        return 1
    sys.stdout.buffer.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main() or 0)
