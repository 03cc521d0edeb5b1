#!/usr/bin/env bash
# Installs everything the tests need on a fresh machine, skipping what is already present:
# the wasm32 target, wasm-bindgen-cli (the exact version in Cargo.lock), Debian chromium and
# postgresql (server binaries under /usr/lib/postgresql/N/bin; the test runs its own cluster),
# and the Python venv (official ESDK + moto). npm packages are installed by scripts/test-js.sh.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n== setup: %s\n' "$*"; }

step "rust wasm32 target"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

step "wasm-bindgen-cli"
[ -f Cargo.lock ] || cargo generate-lockfile
WBG="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)"
if [ -n "$WBG" ] && command -v wasm-bindgen >/dev/null 2>&1 && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$WBG" ]; then
  echo "wasm-bindgen $WBG present"
else
  # No --locked: its lock file pins a webpki-roots version the registry does not serve.
  cargo install wasm-bindgen-cli --version "$WBG"
fi

step "chromium (Debian) for browser tests"
if command -v chromium >/dev/null 2>&1; then
  echo "chromium present: $(chromium --version 2>/dev/null || true)"
else
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

step "postgresql (Debian) for the key server's shared-store test"
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgresql present: $(ls -d /usr/lib/postgresql/*/bin | tr '\n' ' ')"
else
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

step "python venv (.deps/venv)"
bash scripts/setup-python.sh
