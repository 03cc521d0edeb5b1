// Every case of the ESDK message vectors through the wasm build (one-shot decrypt, and the
// decrypt TransformStream fed in odd-sized chunks). Per-set counts must equal the Rust run's.
// SEALKIT_ENTRY=lite runs them through the sealkit/lite module (WebCrypto crypto): cases whose
// master keys include RSA (not in lite) are counted apart; AES-192 cases (suite or wrapping key;
// not in the small module) must fail with ERR_UNSUPPORTED where they should succeed, and are
// counted apart too; every other case must pass.
// SEALKIT_ENTRY=browser runs them through the default browser entry's wiring: all cases pass, the
// RSA ones in the full module it loads on demand.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { sealkit, VECTORS, pipeChunks, ENTRY } from './pkg.mjs'

const { buildClient, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = sealkit

const SETS = [
  ['net-4.0.1', 'manifest.json', 99],
  ['net-4.0.0-valid', 'manifest.json', 5],
  ['net-4.0.0-invalid', 'manifest.json', 28],
  ['python-4.0.7', 'manifest.json', 478],
  ['python-4.0.7', 'manifest-strict.json', 4],
]

const file = (dir, uri) => join(dir, uri.replace(/^file:\/\//, ''))
const clients = {}
const client = (policy) => (clients[policy] ||= buildClient({ commitmentPolicy: policy }))
const keyringCache = new Map()

function keyringFor(keys, mk) {
  const id = JSON.stringify(mk)
  if (keyringCache.has(id)) return keyringCache.get(id)
  const k = keys[mk.key]
  let kr
  if (mk['encryption-algorithm'] === 'aes') {
    kr = new RawAesKeyring({ keyNamespace: mk['provider-id'], keyName: k['key-id'], wrappingKey: Buffer.from(k.material, 'base64') })
  } else {
    const padding = mk['padding-algorithm'] === 'pkcs1' ? 'pkcs1' : `oaep-${mk['padding-hash']}`
    const pem = k.type === 'private' ? { privateKey: k.material } : { publicKey: k.material }
    kr = new RawRsaKeyring({ keyNamespace: mk['provider-id'], keyName: k['key-id'], padding, ...pem })
  }
  keyringCache.set(id, kr)
  return kr
}

const NOT_IN_LITE = 'rsa keyring (not in sealkit/lite)'
const AES192_IN_LITE = 'AES-192 (ERR_UNSUPPORTED in sealkit/lite)'
const AES192_SUITES = [0x0046, 0x0146, 0x0346]
// The suite id from a message's first bytes (v1: version, type, suite; v2: version, suite).
const suiteOf = (ct) => (ct[0] === 1 && ct.length >= 4 ? ct.readUInt16BE(2) : ct[0] === 2 && ct.length >= 3 ? ct.readUInt16BE(1) : undefined)
const uses192 = (keys, t, ct) =>
  AES192_SUITES.includes(suiteOf(ct)) ||
  t['master-keys'].some((mk) => mk['encryption-algorithm'] === 'aes' && Buffer.from(keys[mk.key].material, 'base64').length === 24)

async function runCase(dir, keys, id, t) {
  if (ENTRY === 'lite' && t['master-keys'].some((mk) => mk['encryption-algorithm'] !== 'aes')) return NOT_IN_LITE
  const ciphertext = readFileSync(file(dir, t.ciphertext))
  if (ENTRY === 'lite' && uses192(keys, t, ciphertext)) return liteAes192(dir, keys, t, ciphertext)
  const krs = t['master-keys'].map((mk) => keyringFor(keys, mk))
  const keyring = krs.length === 1 ? krs[0] : new MultiKeyring({ children: krs })
  const opts = {}
  if (t.cmm === 'RequiredEncryptionContext') {
    opts.encryptionContext = t['encryption-context']
    opts.requiredEncryptionContextKeys = Object.keys(t['encryption-context'])
  }
  const unsignedOnly = t['decryption-method'] === 'streaming-unsigned-only'
  const c = client(t['x-commitment-policy'] || 'REQUIRE_ENCRYPT_ALLOW_DECRYPT')
  const expected = t.result.output ? readFileSync(file(dir, t.result.output.plaintext)) : null

  // 1. one-shot
  let oneShot
  try {
    oneShot = { ok: (await c.decrypt(keyring, ciphertext, { ...opts, unsignedOnly })).plaintext }
  } catch (e) {
    oneShot = { err: e }
  }
  // 2. stream
  let streamed
  try {
    const s = c.decryptStream(keyring, { ...opts, unsignedOnly })
    streamed = { ok: await pipeChunks(s, ciphertext, [1, 333, 7, 5000, 64]) }
  } catch (e) {
    streamed = { err: e }
  }
  for (const [how, r] of [['one-shot', oneShot], ['stream', streamed]]) {
    if (r.err) {
      if (!(r.err instanceof SealkitError) || !/^ERR_/.test(r.err.code)) return `${how}: non-SealkitError thrown: ${r.err}`
      if (r.err.code === 'ERR_INTERNAL') return `${how}: internal error ${r.err.message}`
      if (expected) return `${how}: expected success, got ${r.err.code}: ${r.err.message}`
    } else {
      if (!expected) return `${how}: expected an error, decryption succeeded`
      if (Buffer.compare(Buffer.from(r.ok), expected) !== 0) return `${how}: plaintext differs`
    }
  }
  if (krs.length > 1) keyring.dispose()
  return null
}

// sealkit/lite and an AES-192 case: a message that should decrypt fails with ERR_UNSUPPORTED
// (from the keyring's constructor, the one-shot call and the stream); one that should fail still
// fails with a SealkitError.
async function liteAes192(dir, keys, t, ciphertext) {
  const expected = !!t.result.output
  const outcomes = []
  let keyring
  try {
    const krs = t['master-keys'].map((mk) => keyringFor(keys, mk))
    keyring = krs.length === 1 ? krs[0] : new MultiKeyring({ children: krs })
  } catch (e) {
    outcomes.push(e)
  }
  if (keyring) {
    const c = client(t['x-commitment-policy'] || 'REQUIRE_ENCRYPT_ALLOW_DECRYPT')
    const unsignedOnly = t['decryption-method'] === 'streaming-unsigned-only'
    const opts = t.cmm === 'RequiredEncryptionContext' ? { encryptionContext: t['encryption-context'], requiredEncryptionContextKeys: Object.keys(t['encryption-context']) } : {}
    for (const run of [() => c.decrypt(keyring, ciphertext, { ...opts, unsignedOnly }), () => pipeChunks(c.decryptStream(keyring, { ...opts, unsignedOnly }), ciphertext, [1, 333, 7, 5000, 64])]) {
      try {
        await run()
        return 'AES-192 case decrypted by sealkit/lite, which has no AES-192'
      } catch (e) {
        outcomes.push(e)
      }
    }
  }
  for (const e of outcomes) {
    if (!(e instanceof SealkitError)) return `non-SealkitError thrown: ${e}`
    if (expected && e.code !== 'ERR_UNSUPPORTED') return `expected ERR_UNSUPPORTED, got ${e.code}: ${e.message}`
  }
  return expected ? AES192_IN_LITE : null
}

console.log(
  `AES-GCM frames and ECDSA signatures: ${
    ENTRY === 'lite'
      ? 'sealkit/lite module, WebCrypto ECDSA'
      : ENTRY === 'browser'
        ? 'default browser entry: small module with WebCrypto ECDSA, RSA cases in the full module loaded on demand'
        : process.env.SEALKIT_PURE_WASM === '1' ? 'pure wasm' : 'node:crypto host (SEALKIT_PURE_WASM unset)'
  }`,
)
const totals = []
const liteTotals = []
for (const [set, manifestName, expectedCount] of SETS) {
  test(`esdk vectors ${set}/${manifestName}`, async () => {
    const dir = join(VECTORS, set)
    const manifest = JSON.parse(readFileSync(join(dir, manifestName), 'utf8'))
    const keys = JSON.parse(readFileSync(file(dir, manifest.keys), 'utf8')).keys
    let passed = 0
    let rsa = 0
    let aes192 = 0
    const failed = []
    for (const [id, t] of Object.entries(manifest.tests)) {
      const why = await runCase(dir, keys, id, t)
      if (why === NOT_IN_LITE) rsa++
      else if (why === AES192_IN_LITE) aes192++
      else if (why) failed.push(`${id}: ${why}`)
      else passed++
    }
    const apart = ENTRY === 'lite' ? ` (+ ${rsa} RSA cases, not in sealkit/lite; + ${aes192} AES-192 cases refused with ERR_UNSUPPORTED)` : ''
    console.log(`esdk vectors ${set}/${manifestName}: ${passed} passed, ${failed.length} failed${apart}`)
    totals.push(passed + rsa + aes192)
    liteTotals.push(passed)
    assert.deepEqual(failed, [])
    assert.equal(passed + rsa + aes192, expectedCount)
  })
}

test('esdk vectors total', () => {
  const total = totals.reduce((a, b) => a + b, 0)
  const lite = liteTotals.reduce((a, b) => a + b, 0)
  if (ENTRY === 'lite') console.log(`esdk vectors total: ${lite} passed through sealkit/lite, ${total - lite} RSA and AES-192 cases apart (614 cases)`)
  else console.log(`esdk vectors total: ${total} passed (expected 614)`)
  assert.equal(total, 614)
})
