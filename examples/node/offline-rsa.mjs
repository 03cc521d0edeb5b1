// Offline encryption with an asymmetric KMS key (Node ≥ 18): download the public key once,
// encrypt with no KMS reachable, decrypt later through the KMS. Here the KMS is the embedded
// LocalKms; with AWS use `new HttpKmsProvider({ region, credentials })` as the provider.
// Build first: scripts/build-wasm.sh   then run:  node examples/node/offline-rsa.mjs
import { buildClient, LocalKms, AwsKmsRsaKeyring, AlgorithmSuiteIdentifier } from '../../pkg/index.node.mjs'

const kms = new LocalKms()
const provider = kms.client({ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' })
const { KeyMetadata } = await provider.createKey({ KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' })

// 1. Online, once: fetch the public key (DER) and keep it as PEM.
const { PublicKey } = await provider.getPublicKey({ KeyId: KeyMetadata.Arn })
const publicKey = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(PublicKey).toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PUBLIC KEY-----\n`

// 2. Offline: encrypt with only the PEM (no provider at all). The KMS RSA keyring needs an
//    unsigned suite; this one is key-committing.
const { encrypt, decrypt } = buildClient()
const offline = new AwsKmsRsaKeyring({ keyId: KeyMetadata.Arn, publicKey, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
const calls = kms.auditLog().length
const { result } = await encrypt(offline, 'collected while offline', { suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY })
console.log(`encrypted ${result.length} bytes offline; KMS calls made: ${kms.auditLog().length - calls}`)

// 3. Online again: decrypt through the KMS (the private key never leaves it).
const online = new AwsKmsRsaKeyring({ keyId: KeyMetadata.Arn, provider, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
const { plaintext } = await decrypt(online, result)
console.log('decrypted:', new TextDecoder().decode(plaintext))
