// Tamper sweeps through the npm package: one small message per ESDK suite (40 bytes, 16-byte
// frames = 3 frames, and non-framed): every bit flip, every truncation, appends, frame swaps,
// drops and duplicates; then one item per item suite (0x6700, 0x6701): every bit of its header,
// footer and encrypted value, truncations, replaced, dropped and swapped attributes. Every
// variant is refused with a SealkitError carrying a known code (never a wasm trap), and
// releases no plaintext. The same sweep runs in Rust (tests/tamper_sweep.rs).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sealkit } from './pkg.mjs'

const { buildClient, AlgorithmSuiteIdentifier, RawAesKeyring, SealkitError } = sealkit
const SUITES = Object.values(AlgorithmSuiteIdentifier)
const COMMITTING = [0x0478, 0x0578]
const PLAINTEXT = new TextEncoder().encode('forty bytes of plaintext, 3 frames of 16')
const FRAME = 16
const keyring = () => new RawAesKeyring({ keyNamespace: 'sweep', keyName: 'key', wrappingKey: new Uint8Array(32).fill(0x5a) })

const REFUSALS = new Set([
  'ERR_BAD_CIPHERTEXT', 'ERR_TRUNCATED', 'ERR_TRAILING_BYTES', 'ERR_COMMITMENT_POLICY', 'ERR_COMMITMENT_MISMATCH',
  'ERR_HEADER_AUTH', 'ERR_BODY_AUTH', 'ERR_SIGNATURE_INVALID', 'ERR_NO_DECRYPTING_KEYRING', 'ERR_UNSUPPORTED',
  'ERR_LIMIT_EXCEEDED', 'ERR_CONTEXT_MISMATCH', 'ERR_BASE64_INPUT', 'ERR_INVALID_ARGUMENT',
])

async function refused(promise, what, codes) {
  let out, err
  try {
    out = await promise
  } catch (e) {
    err = e
  }
  assert.equal(out, undefined, `${what}: accepted`)
  assert.ok(!(err instanceof WebAssembly.RuntimeError), `${what}: wasm trap ${err}`)
  assert.ok(err instanceof SealkitError, `${what}: not a SealkitError: ${err && err.stack}`)
  assert.ok(REFUSALS.has(err.code), `${what}: ${err.code} ${err.message}`)
  codes.add(err.code)
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) (out.set(p, at), (at += p.length))
  return out
}

test('every tampered message of every suite is refused, framed and non-framed', async () => {
  const decryptor = buildClient('REQUIRE_ENCRYPT_ALLOW_DECRYPT')
  let total = 0
  for (const suiteId of SUITES) {
    const policy = COMMITTING.includes(suiteId) ? 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT' : 'FORBID_ENCRYPT_ALLOW_DECRYPT'
    for (const frameLength of [FRAME, 0]) {
      const kr = keyring()
      const { result: message } = await buildClient(policy).encrypt(kr, PLAINTEXT, { suiteId, frameLength })
      assert.deepEqual((await decryptor.decrypt(kr, message)).plaintext, PLAINTEXT)
      const what = (m) => `0x${suiteId.toString(16).padStart(4, '0')} ${frameLength ? 'framed' : 'non-framed'} ${m}`
      const codes = new Set()
      const variants = []
      for (let bit = 0; bit < message.length * 8; bit++) {
        const m = message.slice()
        m[bit >> 3] ^= 1 << (bit & 7)
        variants.push([m, `bit ${bit} flipped`])
      }
      for (let len = 0; len < message.length; len++) variants.push([message.slice(0, len), `truncated to ${len}`])
      for (const extra of [new Uint8Array(1), new Uint8Array(16).fill(0xff), message]) {
        variants.push([concat(message, extra), `${extra.length} bytes appended`])
      }
      if (frameLength) {
        // Regular frames: sequence 4 + IV 12 + 16 + tag 16; the final one (8 bytes of content)
        // adds its marker and length: all three 48 bytes (message-body.md).
        const headerLen = finalFrameAt(message) - 2 * 48
        assert.deepEqual([...message.subarray(headerLen, headerLen + 4)], [0, 0, 0, 1], what('frame layout'))
        const frame = (i) => message.subarray(headerLen + i * 48, headerLen + (i + 1) * 48)
        const head = message.subarray(0, headerLen)
        const tail = message.subarray(headerLen + 3 * 48)
        const [f0, f1, f2] = [frame(0), frame(1), frame(2)]
        variants.push(
          [concat(head, f1, f0, f2, tail), 'frames 1 and 2 swapped'],
          [concat(head, f0, f2, f1, tail), 'frames 2 and 3 swapped'],
          [concat(head, f0, f2, tail), 'frame 2 dropped'],
          [concat(head, f0, f1, tail), 'final frame dropped'],
          [concat(head, f0, f0, f1, f2, tail), 'frame 1 duplicated'],
          [concat(head, f0, f1, f2, f2, tail), 'final frame duplicated'],
        )
      }
      for (const [m, name] of variants) await refused(decryptor.decrypt(kr, m), what(name), codes)
      total += variants.length
      console.log(`tamper ${what('')}: ${variants.length} refused (${[...codes].join(' ')})`)
    }
  }
  console.log(`tamper: ${total} tampered messages refused`)
})

/** Where the final frame starts: its marker FFFFFFFF and sequence number 3 (message-body.md). */
function finalFrameAt(message) {
  const marker = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 3]
  for (let i = 0; i + 8 <= message.length; i++) {
    if (marker.every((b, j) => message[i + j] === b)) return i
  }
  throw new Error('no final frame found')
}

test('every tampered item of both item suites is refused', { skip: !sealkit.ItemEncryptor }, async () => {
  const { ItemEncryptor, marshall } = sealkit
  for (const algorithmSuiteId of [0x6700, 0x6701]) {
    let enc
    try {
      enc = new ItemEncryptor({
        tableName: 'sweep-table',
        partitionKey: 'pk',
        sortKey: 'sk',
        attributeActions: { pk: 'SIGN_ONLY', sk: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN', signed: 'SIGN_ONLY' },
        allowedUnsignedAttributePrefix: ':',
        keyring: keyring(),
        algorithmSuiteId,
      })
    } catch (e) {
      if (e instanceof SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && /lite/.test(e.message)) return
      throw e
    }
    const item = marshall({ pk: 'p-1', sk: 7, secret: 'forty bytes of plaintext in one attribute', signed: [true, new Uint8Array([1, 2, 3])], ':free': null })
    const stored = await enc.encryptItem(item)
    assert.deepEqual(await enc.decryptItem(stored), item)
    const codes = new Set()
    let cases = 0
    const check = async (variant, what) => {
      let out, err
      try {
        out = await enc.decryptItem(variant)
      } catch (e) {
        err = e
      }
      const name = `0x${algorithmSuiteId.toString(16)} ${what}`
      assert.equal(out, undefined, `${name}: accepted`)
      assert.ok(err instanceof SealkitError, `${name}: not a SealkitError: ${err && err.stack}`)
      assert.ok(['ERR_ITEM', 'ERR_BAD_CIPHERTEXT', 'ERR_TRUNCATED', 'ERR_NO_DECRYPTING_KEYRING', 'ERR_SIGNATURE_INVALID'].includes(err.code), `${name}: ${err.code} ${err.message}`)
      assert.ok(!err.message.includes('forty bytes'), `${name}: plaintext in the error`)
      codes.add(err.code)
      cases++
    }
    for (const name of ['aws_dbe_head', 'aws_dbe_foot', 'secret']) {
      const bytes = stored[name].B
      const withB = (b) => ({ ...stored, [name]: { B: b } })
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const b = bytes.slice()
        b[bit >> 3] ^= 1 << (bit & 7)
        await check(withB(b), `${name} bit ${bit} flipped`)
      }
      for (let len = 0; len < bytes.length; len++) await check(withB(bytes.slice(0, len)), `${name} truncated to ${len}`)
      await check(withB(concat(bytes, new Uint8Array(1))), `${name} 1 byte appended`)
    }
    for (const [name, value] of [['pk', { S: 'p-2' }], ['sk', { N: '8' }], ['signed', { L: [{ BOOL: false }, { B: new Uint8Array([1, 2, 3]) }] }], ['secret', { S: 'forty bytes of plaintext in one attribute' }]]) {
      await check({ ...stored, [name]: value }, `${name} replaced`)
    }
    for (const name of ['pk', 'sk', 'secret', 'signed', 'aws_dbe_head', 'aws_dbe_foot']) {
      const v = { ...stored }
      delete v[name]
      await check(v, `${name} dropped`)
    }
    await check({ ...stored, extra: stored.signed }, 'signed attribute duplicated under a new name')
    await check({ ...stored, secret: stored.signed, signed: stored.secret }, 'secret and signed swapped')
    console.log(`tamper item 0x${algorithmSuiteId.toString(16)}: ${cases} refused (${[...codes].join(' ')})`)
  }
})
