// AwsKmsRsaKeyring in the small module's entries (the default browser entry and sealkit/lite).
// Without a provider it encrypts offline in the small module: the Rust keyring checks the key
// and the options, WebCrypto does the RSA-OAEP and the SHA-384 of the context
// (src/crypto/oaep_public.rs). With a provider (decryption through KMS) the entry decides:
// `withProvider(keyring, config)` defers it to the full module, or refuses it.

/** The class; `created(keyring, options)` sees each small-module keyring (for a full-module twin). */
export function createOfflineRsaKeyring(wasm, { options, str, handles, call, Keyring }, { withProvider, created = () => {} }) {
  return class AwsKmsRsaKeyring extends Keyring {
    constructor(config) {
      super()
      const o = options(config, 'AwsKmsRsaKeyring options')
      const keyId = str(o.keyId, 'keyId')
      const encryptionAlgorithm = o.encryptionAlgorithm === undefined ? 'RSAES_OAEP_SHA_256' : str(o.encryptionAlgorithm, 'encryptionAlgorithm')
      if (o.provider !== undefined && o.provider !== null) {
        withProvider(this, config)
      } else {
        const pem = o.publicKey instanceof Uint8Array ? new TextDecoder().decode(o.publicKey) : o.publicKey
        const publicKey = pem === undefined || pem === null ? undefined : str(pem, 'publicKey')
        handles.set(this, call(() => wasm.kmsRsaKeyring(keyId, encryptionAlgorithm, publicKey)))
        created(this, { keyId, publicKey, encryptionAlgorithm })
      }
      this.keyId = keyId
      this.encryptionAlgorithm = encryptionAlgorithm
    }
  }
}
