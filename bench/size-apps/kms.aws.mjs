// The same use with @aws-crypto/client-browser's KmsKeyringBrowser over @aws-sdk/client-kms.
import { buildClient, CommitmentPolicy, KmsKeyringBrowser, KMS, getClient } from '@aws-crypto/client-browser'
import { done } from './done.mjs'
// client-browser needs a Buffer global (its README asks apps to provide one); sealkit does not.
import { Buffer } from 'buffer'

globalThis.Buffer ||= Buffer

await done(async ({ endpoint, region, credentials, keyArn }) => {
  const clientProvider = getClient(KMS, { credentials, endpoint })
  const keyring = new KmsKeyringBrowser({ clientProvider, generatorKeyId: keyArn })
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  const { result } = await encrypt(keyring, new TextEncoder().encode('hello'), { encryptionContext: { app: 'size' } })
  const { plaintext } = await decrypt(keyring, result)
  return new TextDecoder().decode(plaintext)
})
