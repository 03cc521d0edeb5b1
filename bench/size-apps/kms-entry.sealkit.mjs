// Size harness use "KMS keyring over HTTP" through 'sealkit/kms' (the KMS small module): the same
// app as kms.sealkit.mjs.
import { buildClient, AwsKmsKeyring, HttpKmsProvider } from 'sealkit/kms'
import { done } from './done.mjs'

await done(async ({ endpoint, region, credentials, keyArn }) => {
  const provider = new HttpKmsProvider({ endpoint, region, credentials })
  const keyring = new AwsKmsKeyring({ provider, generatorKeyId: keyArn })
  const { encrypt, decrypt } = buildClient()
  const { result } = await encrypt(keyring, 'hello', { encryptionContext: { app: 'size' } })
  const { plaintext } = await decrypt(keyring, result)
  return new TextDecoder().decode(plaintext)
})
