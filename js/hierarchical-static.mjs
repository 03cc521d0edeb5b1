// HierarchicalKeyring, for kms.mjs (the full module) and sealkit/items (lite-stubs.mjs): over one
// static branch key version (src/wasm/hierarchical_static.rs; in sealkit/items the Rust keyring
// derives wrapping keys (HMAC-SHA-256) and wraps data keys (AES-GCM) on WebCrypto), or over a
// KmsBranchKeyStore through `withKeyStore(keyring, config)`, which sealkit/items refuses.
// Exactly one export and no imports: build-wasm.sh derives its .cjs twin.

/** The class. */
export function createStaticHierarchicalKeyring(wasm, { options, str, bytes, invalid, handles, call, waiting, Keyring }, { withKeyStore }) {
  return class HierarchicalKeyring extends Keyring {
    constructor(config) {
      super()
      const o = options(config, 'HierarchicalKeyring options')
      const branchKeyId = str(o.branchKeyId, 'branchKeyId')
      const hasStore = o.keyStore !== undefined && o.keyStore !== null
      const hasKey = o.branchKey !== undefined && o.branchKey !== null
      if (hasStore === hasKey) throw invalid('HierarchicalKeyring needs exactly one of branchKey { version, key } or keyStore')
      if (hasStore) {
        withKeyStore(this, config)
      } else {
        const bk = options(o.branchKey, 'branchKey')
        const version = str(bk.version, 'branchKey.version')
        const key = bytes(bk.key, 'branchKey.key', false)
        if (key.length !== 32) throw invalid(`branchKey.key must be 32 bytes, got ${key.length}`)
        // Copied into wasm memory, owned by the Rust keyring and zeroized there.
        handles.set(this, call(() => wasm.hierarchicalStaticKeyring(branchKeyId, version, key)))
        waiting.add(this) // its calls take the promise-returning paths (WebCrypto in sealkit/items)
      }
      this.branchKeyId = branchKeyId
    }
  }
}
