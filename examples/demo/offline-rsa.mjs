// Step 4: offline encryption with a KMS RSA key: download its public key once (GetPublicKey),
// encrypt with no KMS involved, decrypt later through the key server (the private key never
// leaves it).
import { buildClient, AwsKmsRsaKeyring, AlgorithmSuiteIdentifier, SealkitError } from '../../pkg/index.node.mjs'

const pem = (der) => `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PUBLIC KEY-----\n`

export async function offlineRsaDemo(log, provider) {
  const { KeyMetadata: key } = await provider.send('CreateKey', { KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' })
  const { PublicKey } = await provider.getPublicKey({ KeyId: key.Arn })
  log(`GetPublicKey: ${PublicKey.length}-byte SPKI public key of ${key.Arn}`)

  // No provider: this keyring cannot reach any KMS. The KMS RSA keyring needs an unsigned suite.
  const offline = new AwsKmsRsaKeyring({ keyId: key.Arn, publicKey: pem(PublicKey), encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
  const { encrypt, decrypt } = buildClient()
  const { result } = await encrypt(offline, 'sensor reading 21.5 C, collected offline', {
    suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
  })
  log(`encrypted offline with the public key alone: ${result.length}-byte message`)
  try {
    await decrypt(offline, result)
    throw new Error('decrypted without the private key')
  } catch (e) {
    if (!(e instanceof SealkitError)) throw e
    log(`decrypting needs the private key, which only the KMS has: ${e.code}`)
  }
  const online = new AwsKmsRsaKeyring({ keyId: key.Arn, provider, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
  const { plaintext } = await decrypt(online, result)
  log(`later, online: decrypted through the key server's Decrypt: ${JSON.stringify(new TextDecoder().decode(plaintext))}`)
}
