// Size harness use "offline RSA encrypt": AwsKmsRsaKeyring with a downloaded KMS public key and no
// provider (nothing is sent to KMS); the harness decrypts the result through the key server.
import { buildClient, AwsKmsRsaKeyring } from 'sealkit'
import { done } from './done.mjs'

await done(async ({ rsaKeyArn, rsaPublicKeyPem }) => {
  const keyring = new AwsKmsRsaKeyring({ keyId: rsaKeyArn, publicKey: rsaPublicKeyPem, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
  const { encrypt } = buildClient()
  const { result } = await encrypt(keyring, 'hello', { suiteId: 0x0478, encryptionContext: { app: 'size' } })
  let s = ''
  for (const b of result) s += String.fromCharCode(b)
  return btoa(s)
})
