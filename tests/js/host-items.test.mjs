// In Node, the AES-GCM of each encrypted item attribute runs in node:crypto (the host AEAD of
// js/node-host.mjs) rather than in the module's software AES (src/crypto/aead.rs `seal_once`).
// Runs two instances of the full module: one whose node:crypto is wrapped to count and to
// misbehave, and one with no host at all, to show that both write and read the same items.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as nodeCrypto from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { PKG_DIR } from './pkg.mjs'

const href = (f) => pathToFileURL(PKG_DIR + '/' + f).href
const { createApi } = await import(href('api.mjs'))
const { createItemApi } = await import(href('items.mjs'))
const { createMarshall } = await import(href('marshall.mjs'))
const { installNodeHost } = await import(href('node-host.mjs'))

async function instance(tag) {
  const glue = await import(href('sealkit_web.js') + `?${tag}`)
  glue.initSync({ module: readFileSync(PKG_DIR + '/sealkit_bg.wasm') })
  return glue
}

// `mode`: 'pass' (count, then node:crypto), 'throw' (the host cannot run: the module's own AES
// takes over), 'bad-tag' (node:crypto is handed a wrong tag for each attribute value, so it
// refuses the value).
let mode = 'pass'
const calls = { seal: 0, open: 0 }
const counted = (name, kind) => (...args) => {
  calls[kind]++
  if (mode === 'throw') throw new Error('host refused')
  const c = nodeCrypto[name](...args)
  // The first open of a decryption is the data key's (intermediate key wrapping); the tags of
  // the attribute values after it are the ones spoiled.
  if (mode === 'bad-tag' && kind === 'open' && calls.open > 1) {
    const set = c.setAuthTag.bind(c)
    c.setAuthTag = (tag) => set(Buffer.from(tag).map((b, i) => (i === 0 ? b ^ 1 : b)))
  }
  return c
}
const hostGlue = await instance('host-items')
installNodeHost(hostGlue, { ...nodeCrypto, createCipheriv: counted('createCipheriv', 'seal'), createDecipheriv: counted('createDecipheriv', 'open') })
const withItems = (glue) => createApi(glue, { extend: (wasm, base, m = createMarshall(base)) => ({ ...createItemApi(wasm, base, m), marshall: m.marshall, unmarshall: m.unmarshall }) })
const hosted = withItems(hostGlue)
const plain = withItems(await instance('no-host'))

const ENCRYPTED = 6
const record = { pk: 'user-1', note: 'not secret' }
const actions = { pk: 'SIGN_ONLY', note: 'SIGN_ONLY' }
for (let i = 0; i < ENCRYPTED; i++) {
  record[`secret${i}`] = i % 2 ? `value ${i}`.repeat(i + 1) : { nested: [i, true, null] }
  actions[`secret${i}`] = 'ENCRYPT_AND_SIGN'
}
const wrappingKey = new Uint8Array(32).fill(3)
const encryptor = (api) =>
  new api.ItemEncryptor({
    tableName: 'users',
    partitionKey: 'pk',
    attributeActions: actions,
    keyring: new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey }),
    algorithmSuiteId: 0x6700,
  })

test('each encrypted attribute is sealed and opened by node:crypto', async () => {
  mode = 'pass'
  const enc = encryptor(hosted)
  calls.seal = calls.open = 0
  const stored = await enc.encryptItem(hosted.marshall(record))
  assert.ok(calls.seal >= ENCRYPTED, `host sealed ${calls.seal} values, expected at least ${ENCRYPTED}`)
  for (let i = 0; i < ENCRYPTED; i++) assert.ok(stored[`secret${i}`].B instanceof Uint8Array)
  const out = await enc.decryptItem(stored)
  assert.ok(calls.open >= ENCRYPTED, `host opened ${calls.open} values, expected at least ${ENCRYPTED}`)
  assert.deepEqual(hosted.unmarshall(out), record)
})

test('items sealed by node:crypto open in pure wasm, and the other way round', async () => {
  mode = 'pass'
  const a = encryptor(hosted)
  const b = encryptor(plain)
  assert.deepEqual(plain.unmarshall(await b.decryptItem(await a.encryptItem(hosted.marshall(record)))), record)
  calls.open = 0
  assert.deepEqual(hosted.unmarshall(await a.decryptItem(await b.encryptItem(plain.marshall(record)))), record)
  assert.ok(calls.open >= ENCRYPTED)
})

test('a host that cannot run leaves the work to the module; a value it refuses is an error', async () => {
  const enc = encryptor(hosted)
  mode = 'throw'
  calls.seal = 0
  const stored = await enc.encryptItem(hosted.marshall(record))
  assert.ok(calls.seal >= ENCRYPTED, 'the host was asked first')
  assert.deepEqual(plain.unmarshall(await encryptor(plain).decryptItem(stored)), record)
  assert.deepEqual(hosted.unmarshall(await enc.decryptItem(stored)), record)
  mode = 'bad-tag'
  calls.open = 0
  await assert.rejects(enc.decryptItem(stored), (e) => e.name === 'SealkitError' && e.code === 'ERR_ITEM' && /does not authenticate/.test(e.message))
  assert.ok(calls.open >= 1, 'node:crypto refused the tag')
  mode = 'pass'
})
