#!/usr/bin/env bash
# Runs the sealkit-kms tests, including the HTTP client tests against two real moto 5.2.5
# servers on 127.0.0.1: one with the multi-Region-key fix (SEALKIT_MOTO_URL) and one that
# enforces SigV4 after 3 free calls (SEALKIT_MOTO_AUTH_URL). Exits non-zero on any failure;
# the servers are always stopped by PID.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO/.deps/venv"
PY="$VENV/bin/python"
SHIM="$REPO/tests/tools/moto_server_mrkfix.py"
# Where to run cargo (the workspace root by default).
CARGO_DIR="${SEALKIT_KMS_CARGO_DIR:-$REPO}"

[ -f "$SHIM" ] || { echo "missing $SHIM" >&2; exit 1; }

bash "$REPO/scripts/setup-python.sh"

TMP="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits for a TCP listener without sending HTTP (an HTTP probe would use up a free call).
wait_port() {
  "$PY" - "$1" <<'PYEOF'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit("moto did not start on port %d" % port)
PYEOF
}

PORT="$(free_port)"
"$PY" "$SHIM" -H 127.0.0.1 -p "$PORT" >"$TMP/moto.log" 2>&1 &
PIDS+=("$!")
AUTH_PORT="$(free_port)"
INITIAL_NO_AUTH_ACTION_COUNT=3 "$PY" "$SHIM" -H 127.0.0.1 -p "$AUTH_PORT" >"$TMP/moto-auth.log" 2>&1 &
PIDS+=("$!")
wait_port "$PORT" || { cat "$TMP/moto.log" >&2; exit 1; }
wait_port "$AUTH_PORT" || { cat "$TMP/moto-auth.log" >&2; exit 1; }

export SEALKIT_MOTO_URL="http://127.0.0.1:$PORT"
export SEALKIT_MOTO_AUTH_URL="http://127.0.0.1:$AUTH_PORT"

# The 3 unauthenticated calls: an IAM user, its policy and an access key. With that user's
# (verified) credentials, a role is created and assumed for the session-token test.
"$PY" - "$SEALKIT_MOTO_AUTH_URL" >"$TMP/creds.env" <<'PYEOF'
import json, sys
import boto3
url = sys.argv[1]
kw = dict(endpoint_url=url, region_name="us-east-1")
iam = boto3.client("iam", aws_access_key_id="testing", aws_secret_access_key="testing", **kw)
iam.create_user(UserName="sealkit")
iam.put_user_policy(UserName="sealkit", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="sealkit")["AccessKey"]
user = dict(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"], **kw)
iam_u = boto3.client("iam", **user)
iam_u.create_role(RoleName="sealkit-role", AssumeRolePolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/sealkit"},
                                             "Action": "sts:AssumeRole"}]}))
iam_u.put_role_policy(RoleName="sealkit-role", PolicyName="kms", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}))
sts = boto3.client("sts", **user)
c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/sealkit-role", RoleSessionName="sealkit")["Credentials"]
print("export SEALKIT_MOTO_AUTH_AKID=%s" % key["AccessKeyId"])
print("export SEALKIT_MOTO_AUTH_SECRET=%s" % key["SecretAccessKey"])
print("export SEALKIT_MOTO_STS_AKID=%s" % c["AccessKeyId"])
print("export SEALKIT_MOTO_STS_SECRET=%s" % c["SecretAccessKey"])
print("export SEALKIT_MOTO_STS_TOKEN=%s" % c["SessionToken"])
PYEOF
# shellcheck disable=SC1091
source "$TMP/creds.env"

cd "$CARGO_DIR"
# The moto tests are #[ignore]d in plain `cargo test`; the rest of the crate ran there already.
cargo test -p sealkit-kms --features native-http -- --ignored
# sealkit's KMS keyrings <-> the official Python ESDK through the same moto (incl. MRK).
SEALKIT_PYTHON="$PY" cargo test -p sealkit --test kms_python_interop -- --ignored --nocapture
