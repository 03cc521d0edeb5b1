// The JS API over the built package: names, options, headers, errors, keyrings, streams.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { sealkit, VECTORS, pipeChunks, concat } from './pkg.mjs'

const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = sealkit

const keys = JSON.parse(readFileSync(`${VECTORS}/keys.json`, 'utf8')).keys
const RSA_PRIVATE = keys['rsa-4096-private'].material
const RSA_PUBLIC = keys['rsa-4096-public'].material
const aesKey = (n = 32, fill = 1) => new Uint8Array(n).fill(fill)
const aes = (name = 'k1', n = 32) => new RawAesKeyring({ keyNamespace: 'ns', keyName: name, wrappingKey: aesKey(n) })
const text = (b) => new TextDecoder().decode(b)
const SUITES = Object.values(AlgorithmSuiteIdentifier)
const COMMITTING = [0x0478, 0x0578]

/** Asserts `fn` rejects/throws a SealkitError with `code` (and never a wasm trap). */
async function rejects(fn, code, re) {
  let err
  try {
    await fn()
  } catch (e) {
    err = e
  }
  assert.ok(err, `expected ${code}, nothing thrown`)
  assert.ok(!(err instanceof WebAssembly.RuntimeError), `wasm trap: ${err}`)
  assert.ok(err instanceof SealkitError, `not a SealkitError: ${err && err.stack}`)
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'SealkitError')
  assert.equal(err.code, code, `${err.code}: ${err.message}`)
  if (re) assert.match(err.message, re)
  return err
}

test('exports and CommitmentPolicy names', () => {
  assert.equal(typeof buildClient, 'function')
  assert.deepEqual(Object.keys(CommitmentPolicy).sort(), [
    'FORBID_ENCRYPT_ALLOW_DECRYPT',
    'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
    'REQUIRE_ENCRYPT_REQUIRE_DECRYPT',
  ])
  assert.equal(buildClient().commitmentPolicy, 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT')
  const c = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT, maxEncryptedDataKeys: 3 })
  for (const f of ['encrypt', 'decrypt', 'encryptStream', 'decryptStream']) assert.equal(typeof c[f], 'function')
})

test('encrypt/decrypt round trip, header fields, string plaintext', async () => {
  const kr = aes()
  const { encrypt, decrypt } = buildClient()
  const ec = { purpose: 'test', 'ünï©ødé': '𐀀' }
  const { result, messageHeader } = await encrypt(kr, 'hello world', { encryptionContext: ec })
  assert.ok(result instanceof Uint8Array)
  assert.equal(messageHeader.suiteId, 0x0578) // default under REQUIRE_*: committing + signed
  assert.equal(messageHeader.version, 2)
  assert.ok(messageHeader.messageId instanceof Uint8Array)
  assert.equal(messageHeader.messageId.length, 32)
  assert.equal(messageHeader.frameLength, 4096)
  assert.equal(messageHeader.contentType, 2)
  assert.equal(messageHeader.encryptionContext.purpose, 'test')
  assert.equal(messageHeader.encryptionContext['ünï©ødé'], '𐀀')
  assert.ok('aws-crypto-public-key' in messageHeader.encryptionContext)
  assert.equal(messageHeader.encryptedDataKeys.length, 1)
  assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'ns')
  assert.ok(messageHeader.encryptedDataKeys[0].providerInfo instanceof Uint8Array)
  assert.equal(text(messageHeader.encryptedDataKeys[0].providerInfo.slice(0, 2)), 'k1')
  const out = await decrypt(kr, result, { encryptionContext: { purpose: 'test' } })
  assert.equal(text(out.plaintext), 'hello world')
  assert.deepEqual(out.messageHeader.messageId, messageHeader.messageId)
  assert.deepEqual(out.messageHeader.encryptionContext, messageHeader.encryptionContext)
  assert.deepEqual(out.encryptionContext, messageHeader.encryptionContext)
})

test('every suite, framed / non-framed / odd frame lengths, under the policies that allow it', async () => {
  const kr = aes()
  const pt = new Uint8Array(3000).map((_, i) => i * 7)
  for (const suiteId of SUITES) {
    const policy = COMMITTING.includes(suiteId) ? 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT' : 'FORBID_ENCRYPT_ALLOW_DECRYPT'
    const { encrypt, decrypt } = buildClient({ commitmentPolicy: policy })
    for (const frameLength of [0, 1, 128, 2999, 3000, 4096]) {
      const { result, messageHeader } = await encrypt(kr, pt, { suiteId, frameLength, encryptionContext: { s: String(suiteId) } })
      assert.equal(messageHeader.suiteId, suiteId)
      assert.equal(messageHeader.frameLength, frameLength)
      assert.equal(messageHeader.contentType, frameLength === 0 ? 1 : 2)
      const out = await decrypt(kr, result)
      assert.deepEqual(out.plaintext, pt)
    }
  }
})

test('commitment policy: encrypt refuses, decrypt refuses non-committing under REQUIRE_REQUIRE', async () => {
  const kr = aes()
  await rejects(() => buildClient().encrypt(kr, 'x', { suiteId: 0x0178 }), 'ERR_COMMITMENT_POLICY')
  await rejects(() => buildClient('FORBID_ENCRYPT_ALLOW_DECRYPT').encrypt(kr, 'x', { suiteId: 0x0478 }), 'ERR_COMMITMENT_POLICY')
  const { result } = await buildClient('FORBID_ENCRYPT_ALLOW_DECRYPT').encrypt(kr, 'x', { suiteId: 0x0178 })
  await rejects(() => buildClient().decrypt(kr, result), 'ERR_COMMITMENT_POLICY')
  const ok = await buildClient('REQUIRE_ENCRYPT_ALLOW_DECRYPT').decrypt(kr, result)
  assert.equal(text(ok.plaintext), 'x')
})

test('decrypt encryptionContext: must match; required keys supply unstored pairs', async () => {
  const kr = aes()
  const { encrypt, decrypt } = buildClient()
  const { result } = await encrypt(kr, 'data', { encryptionContext: { a: '1', b: '2' } })
  await rejects(() => decrypt(kr, result, { encryptionContext: { a: 'other' } }), 'ERR_CONTEXT_MISMATCH')
  // A pair the message does not store becomes authenticated-only: the header tag fails.
  await rejects(() => decrypt(kr, result, { encryptionContext: { c: '3' } }), 'ERR_NO_DECRYPTING_KEYRING')

  const req = await encrypt(kr, 'secret', {
    encryptionContext: { tenant: 't1', region: 'eu' },
    requiredEncryptionContextKeys: ['tenant'],
    suiteId: 0x0478,
  })
  assert.deepEqual(req.messageHeader.encryptionContext, { region: 'eu' })
  await rejects(() => decrypt(kr, req.result), 'ERR_NO_DECRYPTING_KEYRING')
  await rejects(() => decrypt(kr, req.result, { requiredEncryptionContextKeys: ['tenant'] }), 'ERR_CONTEXT_MISMATCH')
  const out = await decrypt(kr, req.result, { encryptionContext: { tenant: 't1' }, requiredEncryptionContextKeys: ['tenant'] })
  assert.equal(text(out.plaintext), 'secret')
  assert.deepEqual(out.messageHeader.encryptionContext, { region: 'eu' })
  assert.deepEqual(out.encryptionContext, { region: 'eu', tenant: 't1' })
  await rejects(() => encrypt(kr, 'x', { requiredEncryptionContextKeys: ['missing'] }), 'ERR_CONTEXT_MISMATCH')
})

test('RSA keyrings (every padding), multi-keyring, public-only keyring', async () => {
  const { encrypt, decrypt } = buildClient()
  for (const padding of ['pkcs1', 'oaep-sha1', 'oaep-sha256', 'oaep-sha384', 'oaep-sha512']) {
    const kr = new RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r1', publicKey: RSA_PUBLIC, privateKey: RSA_PRIVATE, padding })
    const { result } = await encrypt(kr, 'rsa ' + padding, { suiteId: 0x0478 })
    assert.equal(text((await decrypt(kr, result)).plaintext), 'rsa ' + padding)
    kr.dispose()
  }
  const def = new RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r1', publicKey: RSA_PUBLIC })
  assert.equal(def.padding, 'oaep-sha256')
  const { result } = await encrypt(def, 'to public', { suiteId: 0x0478 })
  await rejects(() => decrypt(def, result), 'ERR_NO_DECRYPTING_KEYRING')
  const priv = new RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r1', privateKey: RSA_PRIVATE })
  await rejects(() => encrypt(priv, 'x'), 'ERR_KEYRING')
  assert.equal(text((await decrypt(priv, result)).plaintext), 'to public')

  const a = aes('a')
  const b = aes('b', 16)
  const multi = new MultiKeyring({ generator: a, children: [b, def] })
  const m = await encrypt(multi, 'multi', { suiteId: 0x0478 })
  assert.deepEqual(m.messageHeader.encryptedDataKeys.map((e) => e.providerId), ['ns', 'ns', 'rsa'])
  for (const k of [a, b, priv, multi]) assert.equal(text((await decrypt(k, m.result)).plaintext), 'multi')
  await rejects(() => decrypt(aes('c'), m.result), 'ERR_NO_DECRYPTING_KEYRING')
  const childrenOnly = new MultiKeyring({ children: [aes('zz'), b] })
  assert.equal(text((await decrypt(childrenOnly, m.result)).plaintext), 'multi')
  await rejects(() => encrypt(childrenOnly, 'x'), 'ERR_KEYRING')
  await rejects(
    () => buildClient({ maxEncryptedDataKeys: 2 }).encrypt(multi, 'x', { suiteId: 0x0478 }),
    'ERR_TOO_MANY_EDKS',
  )
  await rejects(() => buildClient({ maxEncryptedDataKeys: 2 }).decrypt(a, m.result), 'ERR_TOO_MANY_EDKS')
})

test('dispose zeroizes and blocks use, also inside a multi-keyring', async () => {
  const { encrypt, decrypt } = buildClient()
  const a = aes('a')
  const b = aes('b')
  const multi = new MultiKeyring({ generator: a, children: [b] })
  const { result } = await encrypt(a, 'x', { suiteId: 0x0478 })
  assert.equal(a.disposed, false)
  a.dispose()
  assert.equal(a.disposed, true)
  a.dispose() // idempotent
  await rejects(() => encrypt(a, 'x'), 'ERR_INVALID_ARGUMENT', /disposed/)
  await rejects(() => decrypt(a, result), 'ERR_INVALID_ARGUMENT', /disposed/)
  await rejects(() => encrypt(multi, 'x'), 'ERR_INVALID_ARGUMENT', /disposed/)
  assert.throws(() => new MultiKeyring({ generator: a }), (e) => e instanceof SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
  assert.throws(() => buildClient().encryptStream(a), (e) => e.code === 'ERR_INVALID_ARGUMENT')
})

test('bad arguments are ERR_INVALID_ARGUMENT naming the argument, never a trap', async () => {
  const kr = aes()
  const { encrypt, decrypt, encryptStream, decryptStream } = buildClient()
  const ctor = (fn, re) =>
    assert.throws(fn, (e) => {
      assert.ok(e instanceof SealkitError, String(e))
      assert.equal(e.code, 'ERR_INVALID_ARGUMENT')
      assert.match(e.message, re)
      return true
    })
  ctor(() => new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey(20) }), /wrappingKey/)
  ctor(() => new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: 'abc' }), /wrappingKey/)
  ctor(() => new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: 12345 }), /wrappingKey/)
  ctor(() => new RawAesKeyring({ keyNamespace: 7, keyName: 'k', wrappingKey: aesKey() }), /keyNamespace/)
  ctor(() => new RawAesKeyring({ keyNamespace: 'ns', wrappingKey: aesKey() }), /keyName/)
  ctor(() => new RawAesKeyring(), /keyNamespace/)
  ctor(() => new RawAesKeyring({ keyNamespace: 'aws-kms', keyName: 'k', wrappingKey: aesKey() }), /keyNamespace/)
  ctor(() => new RawRsaKeyring({ keyNamespace: 'ns', keyName: 'k', publicKey: 'not a pem' }), /publicKey/)
  ctor(
    () => new RawRsaKeyring({ keyNamespace: 'ns', keyName: 'k', publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' }),
    /publicKey/,
  )
  ctor(
    () => new RawRsaKeyring({ keyNamespace: 'ns', keyName: 'k', privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }),
    /privateKey/,
  )
  ctor(() => new RawRsaKeyring({ keyNamespace: 'ns', keyName: 'k', privateKey: RSA_PUBLIC }), /privateKey/)
  ctor(() => new RawRsaKeyring({ keyNamespace: 'ns', keyName: 'k', publicKey: RSA_PUBLIC, padding: 'oaep-md5' }), /padding/)
  ctor(() => new RawRsaKeyring({ keyNamespace: 'ns', keyName: 'k' }), /publicKey/)
  ctor(() => new MultiKeyring({ children: [{}] }), /children\[0\]/)
  ctor(() => new MultiKeyring({}), /generator/)
  ctor(() => buildClient({ commitmentPolicy: 'NOPE' }), /commitmentPolicy/)
  ctor(() => buildClient({ maxEncryptedDataKeys: 0 }), /maxEncryptedDataKeys/)
  ctor(() => buildClient({ maxEncryptedDataKeys: 70000 }), /maxEncryptedDataKeys/)

  await rejects(() => encrypt({}, 'x'), 'ERR_INVALID_ARGUMENT', /keyring/)
  await rejects(() => encrypt(undefined, 'x'), 'ERR_INVALID_ARGUMENT', /keyring/)
  await rejects(() => encrypt(kr, 42), 'ERR_INVALID_ARGUMENT', /plaintext/)
  await rejects(() => encrypt(kr, null), 'ERR_INVALID_ARGUMENT', /plaintext/)
  await rejects(() => encrypt(kr, 'x', { encryptionContext: { a: 1 } }), 'ERR_INVALID_ARGUMENT', /encryptionContext/)
  await rejects(() => encrypt(kr, 'x', { encryptionContext: 'a=b' }), 'ERR_INVALID_ARGUMENT', /encryptionContext/)
  await rejects(() => encrypt(kr, 'x', { encryptionContext: ['a'] }), 'ERR_INVALID_ARGUMENT', /encryptionContext/)
  await rejects(() => encrypt(kr, 'x', { encryptionContext: { 'aws-crypto-x': 'y' } }), 'ERR_RESERVED_CONTEXT_KEY')
  await rejects(() => encrypt(kr, 'x', { encryptionContext: { a: '\uD800' } }), 'ERR_INVALID_ARGUMENT', /encryptionContext/)
  await rejects(() => decrypt(kr, new Uint8Array(1), { encryptionContext: { '\uDC00x': 'v' } }), 'ERR_INVALID_ARGUMENT', /encryptionContext/)
  await rejects(() => encrypt(kr, 'x', { suiteId: 0x9999 }), 'ERR_INVALID_ARGUMENT', /suiteId/)
  await rejects(() => encrypt(kr, 'x', { suiteId: '0x0478' }), 'ERR_INVALID_ARGUMENT', /suiteId/)
  await rejects(() => encrypt(kr, 'x', { suiteId: 1.5 }), 'ERR_INVALID_ARGUMENT', /suiteId/)
  await rejects(() => encrypt(kr, 'x', { frameLength: -1 }), 'ERR_INVALID_ARGUMENT', /frameLength/)
  await rejects(() => encrypt(kr, 'x', { frameLength: 2 ** 32 }), 'ERR_INVALID_ARGUMENT', /frameLength/)
  await rejects(() => encrypt(kr, 'x', { frameLength: '4096' }), 'ERR_INVALID_ARGUMENT', /frameLength/)
  await rejects(() => encrypt(kr, 'x', 'opts'), 'ERR_INVALID_ARGUMENT', /options/)
  await rejects(() => encrypt(kr, 'x', { requiredEncryptionContextKeys: 'a' }), 'ERR_INVALID_ARGUMENT', /requiredEncryptionContextKeys/)
  await rejects(() => decrypt(kr, 'AYAAA'), 'ERR_INVALID_ARGUMENT', /ciphertext/)
  await rejects(() => decrypt(kr, [1, 2, 3]), 'ERR_INVALID_ARGUMENT', /ciphertext/)
  await rejects(() => decrypt(kr, new Uint8Array(0)), 'ERR_TRUNCATED')
  await rejects(() => decrypt(kr, new Uint8Array([9, 9, 9])), 'ERR_BAD_CIPHERTEXT')
  await rejects(() => decrypt(kr, new TextEncoder().encode('AYAAAAAAAAAA')), 'ERR_BASE64_INPUT')
  await rejects(() => decrypt(kr, new Uint8Array(1), { signedMessages: 'maybe' }), 'ERR_INVALID_ARGUMENT', /signedMessages/)
  await rejects(() => decrypt(kr, new Uint8Array(1), { unsignedOnly: 'yes' }), 'ERR_INVALID_ARGUMENT', /unsignedOnly/)
  await rejects(() => encryptStream(kr, { frameLength: 1.5 }), 'ERR_INVALID_ARGUMENT', /frameLength/)
  await rejects(() => decryptStream(kr, { encryptionContext: { a: null } }), 'ERR_INVALID_ARGUMENT', /encryptionContext/)
  // No key bytes in messages.
  const msg = (await encrypt(kr, 'x')).result
  const e = await rejects(() => decrypt(aes('other'), msg), 'ERR_NO_DECRYPTING_KEYRING')
  assert.doesNotMatch(e.message, /1,1,1|0101010101/)
})

test('tampering: every byte flip of a message fails with a SealkitError, never a trap', async () => {
  const kr = aes()
  for (const [policy, suiteId] of [
    ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 0x0578],
    ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 0x0478],
    ['FORBID_ENCRYPT_ALLOW_DECRYPT', 0x0178],
  ]) {
    const { encrypt, decrypt } = buildClient(policy)
    const { result } = await encrypt(kr, 'tamper me please', { suiteId, frameLength: 8, encryptionContext: { a: 'b' } })
    const codes = new Set()
    for (let i = 0; i < result.length; i++) {
      const bad = result.slice()
      bad[i] ^= 0x01
      const err = await decrypt(kr, bad).then(
        () => null,
        (e) => e,
      )
      assert.ok(err instanceof SealkitError, `flip at ${i}: ${err}`)
      codes.add(err.code)
    }
    for (let n = 0; n < result.length; n++) {
      const err = await decrypt(kr, result.subarray(0, n)).then(
        () => null,
        (e) => e,
      )
      assert.ok(err instanceof SealkitError, `truncated at ${n}: ${err}`)
      codes.add(err.code)
    }
    const trailing = concat([result, new Uint8Array([0])])
    await rejects(() => decrypt(kr, trailing), 'ERR_TRAILING_BYTES')
    assert.ok(!codes.has('ERR_INTERNAL'))
    console.log(`tamper ${suiteId.toString(16)}: codes ${[...codes].sort().join(' ')}`)
  }
})

test('streams: round trip with odd chunk sizes, header promise, every frame shape', async () => {
  const kr = aes()
  const pt = new Uint8Array(200_000).map((_, i) => (i * 31) & 0xff)
  for (const [policy, suiteId] of [
    ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 0x0478],
    ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 0x0578],
    ['FORBID_ENCRYPT_ALLOW_DECRYPT', 0x0014],
    ['FORBID_ENCRYPT_ALLOW_DECRYPT', 0x0346],
  ]) {
    const c = buildClient(policy)
    for (const frameLength of [0, 1000, 4096, 65536]) {
      const enc = c.encryptStream(kr, { suiteId, frameLength, encryptionContext: { k: 'v' } })
      const header = await enc.messageHeader
      assert.equal(header.suiteId, suiteId)
      const ct = await pipeChunks(enc, pt)
      // the one-shot API reads what the stream wrote, and the reverse
      assert.deepEqual((await c.decrypt(kr, ct)).plaintext, pt)
      const dec = c.decryptStream(kr, { encryptionContext: { k: 'v' } })
      const out = await pipeChunks(dec, ct, [3, 999, 17, 70000])
      assert.deepEqual(out, pt)
      assert.deepEqual((await dec.messageHeader).messageId, header.messageId)
      assert.equal((await dec.encryptionContext).k, 'v')
      const oneShot = (await c.encrypt(kr, pt, { suiteId, frameLength })).result
      assert.deepEqual(await pipeChunks(c.decryptStream(kr), oneShot, [1, 4097]), pt)
    }
  }
  // empty plaintext, string chunks
  const c = buildClient()
  assert.deepEqual(await pipeChunks(c.decryptStream(kr), await pipeChunks(c.encryptStream(kr), new Uint8Array(0))), new Uint8Array(0))
  const enc = c.encryptStream(kr)
  const w = enc.writable.getWriter()
  w.write('hello ')
  w.write('streams')
  w.close()
  const chunks = []
  for await (const x of enc.readable) chunks.push(x)
  assert.equal(text((await c.decrypt(kr, concat(chunks))).plaintext), 'hello streams')
})

/** Feeds `ct` chunk by chunk and records what the decrypt stream releases before the end. */
async function releasedBeforeEnd(stream, ct, chunk) {
  const writer = stream.writable.getWriter()
  const reader = stream.readable.getReader()
  const got = []
  let error = null
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      got.push(value.length)
    }
  })().catch((e) => (error = e))
  const withoutFooter = ct.length - 120 // stop well before the footer signature
  for (let i = 0; i < withoutFooter; i += chunk) await writer.write(ct.slice(i, Math.min(i + chunk, withoutFooter)))
  await new Promise((r) => setTimeout(r, 10))
  const before = got.reduce((a, b) => a + b, 0)
  await writer.write(ct.slice(withoutFooter)).catch(() => {})
  await writer.close().catch(() => {})
  await pump
  return { before, total: got.reduce((a, b) => a + b, 0), error }
}

test('signed messages: nothing released before the signature unless opted in; refuse mode', async () => {
  const kr = aes()
  const c = buildClient()
  const pt = new Uint8Array(50_000).fill(5)
  const signed = (await c.encrypt(kr, pt, { suiteId: 0x0578, frameLength: 1024 })).result
  const unsigned = (await c.encrypt(kr, pt, { suiteId: 0x0478, frameLength: 1024 })).result

  const v = await releasedBeforeEnd(c.decryptStream(kr), signed, 2048)
  assert.equal(v.error, null)
  assert.equal(v.before, 0)
  assert.equal(v.total, pt.length)

  const r = await releasedBeforeEnd(c.decryptStream(kr, { signedMessages: 'release-unverified-frames' }), signed, 2048)
  assert.ok(r.before > 40_000, `released ${r.before}`)
  assert.equal(r.total, pt.length)

  const u = await releasedBeforeEnd(c.decryptStream(kr), unsigned, 2048)
  assert.ok(u.before > 40_000)

  await rejects(() => pipeChunks(c.decryptStream(kr, { unsignedOnly: true }), signed), 'ERR_SIGNED_MESSAGE_REFUSED')
  await rejects(() => pipeChunks(c.decryptStream(kr, { signedMessages: 'refuse' }), signed), 'ERR_SIGNED_MESSAGE_REFUSED')
  await rejects(() => c.decrypt(kr, signed, { unsignedOnly: true }), 'ERR_SIGNED_MESSAGE_REFUSED')
  assert.deepEqual(await pipeChunks(c.decryptStream(kr, { unsignedOnly: true }), unsigned), pt)

  // A bad signature: verify-before-release releases nothing at all.
  const badSig = signed.slice()
  badSig[badSig.length - 5] ^= 1
  const b = await releasedBeforeEnd(c.decryptStream(kr), badSig, 4096)
  assert.equal(b.total, 0)
  assert.ok(b.error instanceof SealkitError)
  assert.equal(b.error.code, 'ERR_SIGNATURE_INVALID')
})

test('tampered / truncated streams error with SealkitError; header promise rejects', async () => {
  const kr = aes()
  const c = buildClient()
  const { result } = await c.encrypt(kr, new Uint8Array(10_000), { suiteId: 0x0478, frameLength: 512 })
  const bad = result.slice()
  bad[result.length - 100] ^= 0x80
  await rejects(() => pipeChunks(c.decryptStream(kr), bad), 'ERR_BODY_AUTH')
  await rejects(() => pipeChunks(c.decryptStream(kr), result.subarray(0, result.length - 3)), 'ERR_TRUNCATED')
  const hdrBad = result.slice()
  hdrBad[30] ^= 1 // inside the message id
  const expected = (await c.decrypt(kr, hdrBad).catch((e) => e)).code
  assert.ok(expected)
  const s = c.decryptStream(kr)
  await rejects(() => pipeChunks(s, hdrBad), expected)
  await rejects(() => s.messageHeader, expected)
  await rejects(() => pipeChunks(c.decryptStream(aes('nope')), result), 'ERR_NO_DECRYPTING_KEYRING')
  await rejects(() => pipeChunks(c.decryptStream(kr), concat([result, new Uint8Array(2)])), 'ERR_TRAILING_BYTES')
  await rejects(() => pipeChunks(c.decryptStream(kr), [1, 2, 3]), 'ERR_INVALID_ARGUMENT')
})

test('Node host AES-GCM (node:crypto) and pure-wasm frames produce interchangeable messages', async () => {
  const { execFileSync } = await import('node:child_process')
  const { PKG_DIR } = await import('./pkg.mjs')
  const kr = new RawAesKeyring({ keyNamespace: 'n', keyName: 'k', wrappingKey: aesKey(32, 9) })
  const c = buildClient()
  const pt = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff)
  const script = `
    const m = require(${JSON.stringify(PKG_DIR + '/index.cjs')})
    const kr = new m.RawAesKeyring({ keyNamespace: 'n', keyName: 'k', wrappingKey: new Uint8Array(32).fill(9) })
    const c = m.buildClient()
    const input = Buffer.from(require('fs').readFileSync(0, 'utf8'), 'base64')
    const pt = new Uint8Array(300000).map((_, i) => (i * 7) & 0xff)
    ;(async () => {
      const d = await c.decrypt(kr, input)
      if (Buffer.compare(Buffer.from(d.plaintext), Buffer.from(pt)) !== 0) throw new Error('plaintext differs')
      const e = await c.encrypt(kr, pt, { suiteId: 0x0478, frameLength: 65536 })
      process.stdout.write(Buffer.from(e.result).toString('base64'))
    })().catch((e) => { console.error(e); process.exit(1) })`
  const mine = (await c.encrypt(kr, pt, { suiteId: 0x0578, frameLength: 5000 })).result
  for (const env of [{ SEALKIT_PURE_WASM: '1' }, { SEALKIT_PURE_WASM: '' }]) {
    const out = execFileSync('node', ['-e', script], { input: Buffer.from(mine).toString('base64'), env: { ...process.env, ...env }, maxBuffer: 1 << 24 })
    const theirs = Buffer.from(out.toString(), 'base64')
    assert.deepEqual((await c.decrypt(kr, theirs)).plaintext, pt)
    const bad = new Uint8Array(theirs)
    bad[bad.length - 1000] ^= 1
    await rejects(() => c.decrypt(kr, bad), 'ERR_BODY_AUTH')
  }
})

test('maxHeaderLength: a longer header is refused (one-shot and streaming), the default is 1 MiB', async () => {
  const { encrypt, decrypt, decryptStream } = buildClient()
  const kr = aes()
  // A header of about 2 KiB: a large stored encryption context.
  const { result } = await encrypt(kr, 'header limits', { encryptionContext: { big: 'x'.repeat(2000) } })
  assert.equal(text((await decrypt(kr, result)).plaintext), 'header limits')
  assert.equal(text((await decrypt(kr, result, { maxHeaderLength: 4096 })).plaintext), 'header limits')
  await rejects(() => decrypt(kr, result, { maxHeaderLength: 1024 }), 'ERR_HEADER_TOO_LARGE', /1024/)
  await rejects(() => pipeChunks(decryptStream(kr, { maxHeaderLength: 1024 }), result), 'ERR_HEADER_TOO_LARGE')
  assert.equal(text(await pipeChunks(decryptStream(kr, { maxHeaderLength: 4096 }), result)), 'header limits')
  for (const bad of [0, -1, 1.5, '1024', 2 ** 32]) {
    await rejects(() => decrypt(kr, result, { maxHeaderLength: bad }), 'ERR_INVALID_ARGUMENT', /maxHeaderLength/)
  }
})
