// sealkit quickstart (Node ≥ 18). Build the package first:  scripts/build-wasm.sh
// then run:  node examples/node/quickstart.mjs
//
// In an app you would write `import { … } from 'sealkit'`; this example imports the freshly
// built package from the repository's pkg/ directory.
import { webcrypto } from 'node:crypto'
import { buildClient, CommitmentPolicy, RawAesKeyring, SealkitError } from '../../pkg/index.node.mjs'

// 1. A keyring over a local 256-bit wrapping key. (Use a key from your secret store in real
//    code; a keyring copies the key into wasm memory, and dispose() zeroizes it there.)
const wrappingKey = webcrypto.getRandomValues(new Uint8Array(32))
const keyring = new RawAesKeyring({ keyNamespace: 'quickstart', keyName: 'local-key-1', wrappingKey })

// 2. A client. REQUIRE_ENCRYPT_REQUIRE_DECRYPT is also the default of buildClient().
const { encrypt, decrypt } = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT })

// 3. Encrypt a message, bound to an encryption context (authenticated, not secret).
const encryptionContext = { app: 'quickstart', purpose: 'demo' }
const { result, messageHeader } = await encrypt(keyring, 'Hello, sealkit!', { encryptionContext })

const hex = (b) => Buffer.from(b).toString('hex')
console.log('ciphertext: %d bytes (AWS Encryption SDK message format)', result.length)
console.log('header:')
console.log('  suite           0x%s (format v%d)', messageHeader.suiteId.toString(16).padStart(4, '0'), messageHeader.version)
console.log('  message id      %s', hex(messageHeader.messageId))
console.log('  frame length    %d', messageHeader.frameLength)
console.log('  context         %s', JSON.stringify(messageHeader.encryptionContext))
for (const edk of messageHeader.encryptedDataKeys) {
  console.log('  data key for    %s (provider info %d bytes)', edk.providerId, edk.providerInfo.length)
}

// 4. Decrypt, asking that the context we expect is really in the message.
const { plaintext } = await decrypt(keyring, result, { encryptionContext })
const text = new TextDecoder().decode(plaintext)
console.log('decrypted:', JSON.stringify(text))
if (text !== 'Hello, sealkit!') throw new Error('round trip failed')

// 5. A small JSON record, encrypted field by field (each field its own message, bound to
//    the record id and field name so that fields cannot be swapped between records).
const record = { id: 'user-42', email: 'ada@example.com', card: '4111 1111 1111 1111', plan: 'pro' }
const sensitive = ['email', 'card']
const stored = { ...record }
for (const field of sensitive) {
  const { result } = await encrypt(keyring, JSON.stringify(record[field]), {
    encryptionContext: { record: record.id, field },
    suiteId: 0x0478, // committing, unsigned: small and fast for many tiny messages
  })
  stored[field] = Buffer.from(result).toString('base64')
}
console.log('stored record:', Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, v.length > 40 ? `${v.slice(0, 36)}… (${v.length} chars)` : v])))

const restored = { ...stored }
for (const field of sensitive) {
  const { plaintext } = await decrypt(keyring, Buffer.from(stored[field], 'base64'), {
    encryptionContext: { record: stored.id, field },
  })
  restored[field] = JSON.parse(new TextDecoder().decode(plaintext))
}
console.log('restored record:', restored)
if (JSON.stringify(restored) !== JSON.stringify(record)) throw new Error('record round trip failed')

// 6. Swapping two encrypted fields is detected: every failure is a SealkitError with a stable code.
try {
  await decrypt(keyring, Buffer.from(stored.card, 'base64'), { encryptionContext: { record: stored.id, field: 'email' } })
  throw new Error('swap not detected')
} catch (e) {
  if (!(e instanceof SealkitError)) throw e
  console.log('swapped field rejected: %s (%s)', e.code, e.message)
}

keyring.dispose()
console.log('OK')
