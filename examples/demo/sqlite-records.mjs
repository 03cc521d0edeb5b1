// Step 2: records whose fields are encrypted one by one (DB-ESDK item format), stored in a real
// SQLite database file (sql.js: SQLite compiled to wasm), read back and decrypted.
import { writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { webcrypto } from 'node:crypto'
import { createRequire } from 'node:module'
import { ItemEncryptor, RawAesKeyring, CryptoAction, marshall, unmarshall, SealkitError } from '../../pkg/index.node.mjs'

const require = createRequire(import.meta.url)
const initSqlJs = require('sql.js')

// One column per attribute: S → TEXT, B → BLOB (the ciphertexts, header and footer).
const COLUMNS = { id: 'S', email: 'S', plan: 'S', ssn: 'B', card: 'B', aws_dbe_head: 'B', aws_dbe_foot: 'B' }
const toRow = (item) => Object.keys(COLUMNS).map((c) => (COLUMNS[c] === 'S' ? item[c].S : item[c].B))
const fromRow = (row) => Object.fromEntries(Object.entries(COLUMNS).map(([c, t]) => [c, t === 'S' ? { S: row[c] } : { B: row[c] }]))

export async function sqliteDemo(log, workDir) {
  const SQL = await initSqlJs()
  const keyring = new RawAesKeyring({ keyNamespace: 'demo', keyName: 'records-key', wrappingKey: webcrypto.getRandomValues(new Uint8Array(32)) })
  const users = new ItemEncryptor({
    tableName: 'users',
    partitionKey: 'id',
    attributeActions: { id: CryptoAction.SIGN_ONLY, email: CryptoAction.SIGN_ONLY, plan: CryptoAction.SIGN_ONLY, ssn: CryptoAction.ENCRYPT_AND_SIGN, card: CryptoAction.ENCRYPT_AND_SIGN },
    keyring,
  })
  const records = [
    { id: 'u-1', email: 'ana@example.com', plan: 'pro', ssn: '078-05-1120', card: '4111 1111 1111 1111' },
    { id: 'u-2', email: 'bo@example.com', plan: 'free', ssn: '219-09-9999', card: '5500 0000 0000 0004' },
  ]

  const file = join(workDir, 'users.sqlite')
  const db = new SQL.Database()
  db.run(`CREATE TABLE users (${Object.entries(COLUMNS).map(([c, t]) => `${c} ${t === 'S' ? 'TEXT' : 'BLOB'}`).join(', ')}, PRIMARY KEY (id))`)
  const insert = db.prepare(`INSERT INTO users VALUES (${Object.keys(COLUMNS).map(() => '?').join(', ')})`)
  for (const r of records) insert.run(toRow(await users.encryptItem(marshall(r))))
  insert.free()
  writeFileSync(file, db.export())
  db.close()
  log(`encrypted ssn and card of ${records.length} records (id, email, plan stay readable but signed); wrote ${file}`)

  const reopened = new SQL.Database(readFileSync(file))
  const shown = reopened.exec('SELECT id, email, plan, length(ssn), length(card), length(aws_dbe_head), length(aws_dbe_foot) FROM users ORDER BY id')[0]
  log(`SELECT in SQLite: ${shown.columns.join(' | ')}`)
  for (const v of shown.values) log(`  ${v.join(' | ')}`)
  const rows = []
  const select = reopened.prepare('SELECT * FROM users ORDER BY id')
  while (select.step()) rows.push(select.getAsObject())
  select.free()
  for (const row of rows) {
    const user = unmarshall(await users.decryptItem(fromRow(row)))
    log(`read back and decrypted: ${user.id} ${user.email} ssn=${user.ssn} card=${user.card}`)
  }

  // Copying u-2's encrypted ssn into u-1's row is detected: each field is bound to its record.
  reopened.run('UPDATE users SET ssn = (SELECT ssn FROM users WHERE id = ?) WHERE id = ?', ['u-2', 'u-1'])
  const [swapped] = reopened.exec("SELECT * FROM users WHERE id = 'u-1'")
  const row = Object.fromEntries(swapped.columns.map((c, i) => [c, swapped.values[0][i]]))
  try {
    await users.decryptItem(fromRow(row))
    throw new Error('a swapped field was not detected')
  } catch (e) {
    if (!(e instanceof SealkitError)) throw e
    log(`u-2's ssn copied into u-1's row: decryption refused with ${e.code}`)
  }
  reopened.close()
  keyring.dispose()
}
