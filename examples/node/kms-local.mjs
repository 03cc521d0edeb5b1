// The embedded local KMS (Node ≥ 18): create a key and an alias, encrypt and decrypt through
// AwsKmsKeyring, rotate the key, and print the audit trail. Build first: scripts/build-wasm.sh
// then run:  node examples/node/kms-local.mjs
import { buildClient, LocalKms, AwsKmsKeyring } from '../../pkg/index.node.mjs'

const kms = new LocalKms()
const client = kms.client({ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' })

// 1. A symmetric key and an alias for it (any KMS operation also works through client.send).
const { KeyMetadata } = await client.createKey({ Description: 'orders data key' })
await client.createAlias({ AliasName: 'alias/orders', TargetKeyId: KeyMetadata.KeyId })
console.log('key:', KeyMetadata.Arn)

// 2. Encrypt under the key, decrypt it back.
const keyring = new AwsKmsKeyring({ provider: client, generatorKeyId: KeyMetadata.Arn })
const { encrypt, decrypt } = buildClient()
const encryptionContext = { purpose: 'example' }
const old = await encrypt(keyring, 'order #1001', { encryptionContext })

// 3. Rotate: new encryptions use the new material, old ciphertexts still decrypt.
await client.rotateKeyOnDemand({ KeyId: KeyMetadata.KeyId })
const fresh = await encrypt(keyring, 'order #1002', { encryptionContext })
for (const { result } of [old, fresh]) {
  const { plaintext } = await decrypt(keyring, result)
  console.log('decrypted:', new TextDecoder().decode(plaintext))
}

// 4. The audit trail: one record per KMS call.
console.log('audit log:')
for (const r of kms.auditLog()) console.log(`  ${r.operation.padEnd(18)} ${r.success ? 'ok    ' : 'DENIED'} ${r.key_arn ?? ''}`)
