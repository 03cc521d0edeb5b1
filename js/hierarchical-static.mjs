// HierarchicalKeyring in sealkit/items: over one static branch key version, in the small module,
// whose Rust keyring derives wrapping keys (HMAC-SHA-256) and wraps data keys (AES-GCM) on
// WebCrypto (src/wasm/hierarchical_static.rs). The KmsBranchKeyStore form needs a KMS provider:
// `withKeyStore(keyring, config)` refuses it there.

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
        waiting.add(this) // its materials wait on WebCrypto
      }
      this.branchKeyId = branchKeyId
    }
  }
}
