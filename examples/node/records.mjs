// Encrypt the sensitive fields of user records before writing them to a JSON-lines file, then
// read the file back and decrypt (Node ≥ 18). Works for any store: the encrypted record is a
// DynamoDB-style item; here it is serialized as JSON with binary values in base64.
// Build first: scripts/build-wasm.sh   then run:  node examples/node/records.mjs
import { writeFileSync, readFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { webcrypto } from 'node:crypto'
import { ItemEncryptor, RawAesKeyring, CryptoAction, marshall, unmarshall } from '../../pkg/index.node.mjs'

const keyring = new RawAesKeyring({ keyNamespace: 'records', keyName: 'key-1', wrappingKey: webcrypto.getRandomValues(new Uint8Array(32)) })
const encryptor = new ItemEncryptor({
  tableName: 'users',
  partitionKey: 'id',
  attributeActions: { id: CryptoAction.SIGN_ONLY, email: CryptoAction.SIGN_ONLY, ssn: CryptoAction.ENCRYPT_AND_SIGN, card: CryptoAction.ENCRYPT_AND_SIGN },
  defaultAction: CryptoAction.SIGN_ONLY, // everything else: plaintext but tamper-evident
  keyring,
})

const users = [
  { id: 'u-1', email: 'ana@example.com', ssn: '123-45-6789', card: { number: '4111111111111111', exp: '12/29' }, plan: 'pro' },
  { id: 'u-2', email: 'bo@example.com', ssn: '987-65-4321', card: { number: '5500000000000004', exp: '01/27' }, plan: 'free' },
]

// Binary attribute values (ciphertexts, header, footer) become base64 in the file.
const toJson = (item) => JSON.stringify(item, (k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))

const file = join(mkdtempSync(join(tmpdir(), 'sealkit-')), 'users.jsonl')
const lines = []
for (const user of users) lines.push(toJson(await encryptor.encryptItem(marshall(user)))) // ← the two lines
writeFileSync(file, lines.join('\n') + '\n')
console.log(`wrote ${file}:`)
console.log(readFileSync(file, 'utf8').split('\n')[0].slice(0, 160) + '…')

// Read back: base64 B values are accepted as-is by decryptItem.
for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
  const user = unmarshall(await encryptor.decryptItem(JSON.parse(line)))
  console.log('decrypted:', user.id, user.ssn, user.card.number, user.plan)
}
