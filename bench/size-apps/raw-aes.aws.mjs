// The same use with @aws-crypto/client-browser (RawAesKeyringWebCrypto, default suite).
import { buildClient, CommitmentPolicy, RawAesKeyringWebCrypto, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-browser'
import { done } from './done.mjs'
// client-browser needs a Buffer global (its README asks apps to provide one); sealkit does not.
import { Buffer } from 'buffer'

globalThis.Buffer ||= Buffer

await done(async () => {
  const wrappingSuite = RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING
  const masterKey = await RawAesKeyringWebCrypto.importCryptoKey(crypto.getRandomValues(new Uint8Array(32)), wrappingSuite)
  const keyring = new RawAesKeyringWebCrypto({ keyNamespace: 'app', keyName: 'k', wrappingSuite, masterKey })
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  const { result } = await encrypt(keyring, new TextEncoder().encode('hello'), { encryptionContext: { app: 'size' } })
  const { plaintext } = await decrypt(keyring, result)
  return new TextDecoder().decode(plaintext)
})
