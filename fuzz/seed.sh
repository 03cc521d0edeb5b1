#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ (or $FUZZ_CORPUS/<target>/) from the vendored test vectors (tests/vectors/: ESDK ciphertexts,
# DB-ESDK items, the SigV4 cases) plus a few hand-written KMS responses and key policies.
# Message seeds get a leading byte, which the targets use to pick chunk sizes; the other targets'
# leading byte picks a mode or a configuration (see each target's doc comment).
set -euo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
VECTORS="${SEALKIT_VECTORS:-$FUZZ/../tests/vectors}"
C="${FUZZ_CORPUS:-$FUZZ/corpus}"
for t in header_stream decrypt item_json item_wire item_decrypt kms_response kms_bodies key_policy sigv4_verify; do
  mkdir -p "$C/$t"
done
n=0
for f in "$VECTORS"/esdk/*/ciphertexts/*; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  for t in header_stream decrypt; do
    { printf "\\x$(printf %02x $((n % 256)))"; cat "$f"; } > "$C/$t/vector-$n"
  done
done
m=0
for f in "$VECTORS"/dbesdk/*.json; do
  m=$((m + 1)); cp "$f" "$C/item_json/vector-$m.json"
done
# item_decrypt: each item of the raw-AES manifest (plaintext and encrypted), prefixed with the
# configuration byte its test uses ('0': version 1, '1': version 2 = SIGN_AND_INCLUDE...).
python3 - "$VECTORS/dbesdk" "$C" <<'PY'
import glob, json, os, sys
src, out = sys.argv[1], sys.argv[2]
count = {"item_json": 0, "item_wire": 0, "item_decrypt": 0}
TAGS = {"S": 1, "N": 2, "B": 3, "BOOL": 4, "NULL": 5, "L": 6, "M": 7, "SS": 8, "NS": 9, "BS": 10}
def u32(n): return n.to_bytes(4, "big")
def lp(b): return u32(len(b)) + b
def wire_map(m): return u32(len(m)) + b"".join(lp(k.encode()) + wire_value(v) for k, v in m.items())
def wire_value(v):
    """DynamoDB JSON value -> src/item/wire.rs form (B/BS stay base64 text: still valid bytes)."""
    (t, x), = v.items()
    tag = bytes([TAGS[t]])
    if t in ("S", "N", "B"): return tag + lp(str(x).encode())
    if t == "BOOL": return tag + bytes([1 if x else 0])
    if t == "NULL": return tag
    if t == "L": return tag + u32(len(x)) + b"".join(wire_value(e) for e in x)
    if t == "M": return tag + wire_map(x)
    return tag + u32(len(x)) + b"".join(lp(str(e).encode()) for e in x)
for path in sorted(glob.glob(os.path.join(src, "*.json"))):
    doc = json.load(open(path))
    tests = doc.get("tests") if isinstance(doc, dict) else None
    if not isinstance(tests, dict):
        continue
    for name, t in tests.items():
        cfg = json.dumps(t.get("config", {}))
        pick = "1" if "SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT" in cfg else "0"
        for field in ("encrypted", "plaintext", "item"):
            item = t.get(field)
            if not isinstance(item, dict):
                continue
            text = json.dumps(item, ensure_ascii=False)
            base = f"{os.path.basename(path)}-{name}-{field}"
            with open(os.path.join(out, "item_json", base), "w") as f:
                f.write(text)
            count["item_json"] += 1
            try:
                wire = wire_map(item)
            except (KeyError, ValueError, AttributeError, TypeError):
                wire = None
            if wire is not None:
                with open(os.path.join(out, "item_wire", base), "wb") as f:
                    f.write(wire)
                count["item_wire"] += 1
            if field == "encrypted" and "rawaes" in path:
                with open(os.path.join(out, "item_decrypt", base), "w") as f:
                    f.write(pick + text)
                count["item_decrypt"] += 1
print(f"item seeds: {count}")
PY
# sigv4_verify: every SigV4 case as a hostile request ('\0' + headers + body, the server's
# view: the signed Host header added), and its fields for the round trip ('\1' + region, host,
# target, body).
python3 - "$VECTORS/sigv4/sigv4_kms_test_vector.json" "$C/sigv4_verify" <<'PY'
import json, sys, urllib.parse
cases, out = json.load(open(sys.argv[1])), sys.argv[2]
for i, case in enumerate(cases):
    inp = case["inputs"]
    host = urllib.parse.urlsplit(inp["url"]).netloc
    headers = dict(case.get("headers_sent", {}))
    headers.setdefault("Host", host)
    text = "".join(f"{k}: {v}\n" for k, v in headers.items()) + "\n" + inp["body"]
    open(f"{out}/vector-{i}", "wb").write(b"\0" + text.encode())
    target = inp["headers_before_signing"].get("X-Amz-Target", "TrentService.Encrypt")
    fields = "\n".join([inp["region"], host, target, inp["body"]])
    open(f"{out}/fields-{i}", "wb").write(b"\1" + fields.encode())
print(f"sigv4 seeds: {2 * len(cases)}")
PY
# kms_response: byte 0 the status (0: 200, 3: 400, 6: 500), byte 1 the operation, then the body.
k=0
seed_kms() { k=$((k + 1)); printf "$1" > "$C/kms_response/seed-$k"; printf '%s' "$2" >> "$C/kms_response/seed-$k"; }
ARN='arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
B64='AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA='
seed_kms '\0\0' "{\"KeyId\":\"$ARN\",\"Plaintext\":\"$B64\",\"CiphertextBlob\":\"$B64\"}"
seed_kms '\0\1' "{\"KeyId\":\"$ARN\",\"CiphertextBlob\":\"$B64\"}"
seed_kms '\0\2' "{\"KeyId\":\"$ARN\",\"CiphertextBlob\":\"$B64\",\"EncryptionAlgorithm\":\"SYMMETRIC_DEFAULT\"}"
seed_kms '\0\3' "{\"KeyId\":\"$ARN\",\"Plaintext\":\"$B64\",\"EncryptionAlgorithm\":\"RSAES_OAEP_SHA_256\"}"
seed_kms '\0\4' "{\"KeyId\":\"$ARN\",\"SourceKeyId\":\"$ARN\",\"CiphertextBlob\":\"$B64\"}"
seed_kms '\0\5' "{\"KeyId\":\"$ARN\",\"PublicKey\":\"$B64\",\"KeySpec\":\"RSA_2048\",\"KeyUsage\":\"ENCRYPT_DECRYPT\",\"EncryptionAlgorithms\":[\"RSAES_OAEP_SHA_1\"]}"
seed_kms '\0\6' "{\"KeyMetadata\":{\"KeyId\":\"1234abcd\",\"Arn\":\"$ARN\",\"Enabled\":true,\"KeyState\":\"Enabled\",\"KeySpec\":\"SYMMETRIC_DEFAULT\",\"KeyUsage\":\"ENCRYPT_DECRYPT\",\"CreationDate\":1.7e9,\"MultiRegion\":false}}"
seed_kms '\0\7' "{\"Aliases\":[{\"AliasName\":\"alias/a\",\"AliasArn\":\"arn:aws:kms:us-east-1:111122223333:alias/a\",\"TargetKeyId\":\"1234abcd\"}],\"Truncated\":false}"
seed_kms '\0\10' "{}"
seed_kms '\0\13' "{\"Keys\":[{\"KeyId\":\"1234abcd\",\"KeyArn\":\"$ARN\"}],\"Truncated\":true,\"NextMarker\":\"m\"}"
seed_kms '\3\3' '{"__type":"com.amazonaws.kms#InvalidCiphertextException:http://x","message":"bad"}'
seed_kms '\3\3' 'T:AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/
{"Message":"denied"}'
seed_kms '\6\0' '<ErrorResponse><Error><Code>InternalFailure</Code><Message>oops</Message></Error></ErrorResponse>'
seed_kms '\5\2' '{"__type":"ThrottlingException"}'
seed_kms '\7\0' '<html><body>502 Bad Gateway</body></html>'
# kms_bodies: the bodies of the kms_response seeds (no status or operation byte).
mkdir -p "$C/kms_bodies"
for f in "$C"/kms_response/seed-*; do tail -c +3 "$f" > "$C/kms_bodies/$(basename "$f")"; done
printf '%s' '{"KeyId":"k\u00e9\ud83d\ude00","Plaintext":"AAEC","CiphertextBlob":"AQID","Extra":[1,-2.5e3,true,null,{"a":[]}],"KeyMaterialId":null}' > "$C/kms_bodies/seed-escapes"
# key_policy: byte 0 the encryption-context value ('v0'..'v3'), then the document.
p=0
seed_policy() { p=$((p + 1)); printf '\0%s' "$1" > "$C/key_policy/seed-$p"; }
seed_policy '{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}'
seed_policy '{"Statement":{"Effect":"Allow","Principal":"*","Action":["kms:Encrypt","kms:Describe*"],"Resource":"*"}}'
seed_policy '{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/alice","444455556666"]},"Action":"kms:*","Resource":"arn:aws:kms:*:111122223333:key/*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"kms:En?rypt","Resource":"*"}]}'
seed_policy '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:purpose":"v1"},"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"},"StringNotEquals":{"kms:CallerAccount":"999999999999"},"StringNotLike":{"kms:EncryptionContext:other":["x*","?y"]}}}]}'
echo "seeded $n message seeds (header_stream, decrypt), $k KMS responses, $p key policies"
