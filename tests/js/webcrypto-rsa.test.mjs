// Raw RSA keyrings in browsers and Workers decrypt through WebCrypto RSA-OAEP (constant time)
// rather than the module's `rsa` 0.9 code (RUSTSEC-2023-0071; js/webcrypto-rsa.mjs,
// src/wasm/host_rsa.rs), and encrypt through it (faster than the module's big-number code). Node's `crypto.subtle` is WebCrypto, so this runs the browser wiring
// (full module + WebCrypto host) in Node, with a SubtleCrypto wrapped to count and to misbehave.
// The same wiring runs in Chromium in the browser suite (tests/browser/shared.mjs).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as nodeCrypto from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { PKG_DIR } from './pkg.mjs'

const href = (f) => pathToFileURL(PKG_DIR + '/' + f).href
const glue = await import(href('sealkit_web.js') + '?webcrypto-rsa')
glue.initSync({ module: readFileSync(PKG_DIR + '/sealkit_bg.wasm') })
const { createApi } = await import(href('api.mjs'))
const { createWebCryptoRsaHost } = await import(href('webcrypto-rsa.mjs'))

// `mode`: 'pass', 'reject' (decrypt rejects), 'refuse-import' (importKey rejects: the module's
// own implementation must take over).
let mode = 'pass'
const calls = { importKey: [], decrypt: [], encrypt: [] }
const real = globalThis.crypto.subtle
const subtle = {
  importKey(format, data, alg, extractable, usages) {
    calls.importKey.push(`${format} ${alg.name} ${alg.hash} ${extractable} ${usages}`)
    if (mode === 'refuse-import') return Promise.reject(new Error('no such key here'))
    return real.importKey(format, data, alg, extractable, usages)
  },
  decrypt(alg, key, data) {
    calls.decrypt.push(`${alg.name} ${key.algorithm.hash.name}`)
    if (mode === 'reject') return Promise.reject(new DOMException('bad', 'OperationError'))
    return real.decrypt(alg, key, data)
  },
  encrypt(alg, key, data) {
    calls.encrypt.push(`${alg.name} ${key.algorithm.hash.name}`)
    if (mode === 'reject') return Promise.reject(new DOMException('bad', 'OperationError'))
    return real.encrypt(alg, key, data)
  },
}
const api = createApi(glue, { host: createWebCryptoRsaHost(subtle) })
const client = api.buildClient(api.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)

const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const pems = {
  publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
  pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }),
}
const keyring = (padding, priv = pems.pkcs8) =>
  new api.RawRsaKeyring({ keyNamespace: 'ns', keyName: 'rsa', padding, publicKey: pems.publicKey, privateKey: priv })
const plaintext = new TextEncoder().encode('decrypted by WebCrypto')
const reset = () => {
  calls.importKey.length = 0
  calls.decrypt.length = 0
  calls.encrypt.length = 0
}

test('createWebCryptoRsaHost without WebCrypto is undefined (the module decrypts by itself)', () => {
  assert.equal(createWebCryptoRsaHost(undefined), undefined)
  assert.equal(createWebCryptoRsaHost({}), undefined)
})

for (const [padding, hash] of [['oaep-sha1', 'SHA-1'], ['oaep-sha256', 'SHA-256'], ['oaep-sha384', 'SHA-384'], ['oaep-sha512', 'SHA-512']]) {
  test(`${padding}: decryption goes through WebCrypto RSA-OAEP ${hash}, PKCS#8 and PKCS#1 PEMs`, async () => {
    mode = 'pass'
    for (const priv of [pems.pkcs8, pems.pkcs1]) {
      const k = keyring(padding, priv)
      const { result } = await client.encrypt(k, plaintext)
      reset()
      assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
      assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
      // Imported once (the PKCS#1 key wrapped into PKCS#8), used for every decryption.
      assert.deepEqual(calls.importKey, [`pkcs8 RSA-OAEP ${hash} false decrypt`])
      assert.deepEqual(calls.decrypt, [`RSA-OAEP ${hash}`, `RSA-OAEP ${hash}`])
    }
  })
}

test('streams and multi-keyrings with a WebCrypto RSA member take the waiting paths', async () => {
  mode = 'pass'
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'aes', wrappingKey: new Uint8Array(32).fill(3) })
  const rsa = keyring('oaep-sha256')
  const multi = new api.MultiKeyring({ generator: rsa, children: [aes] })
  const { result } = await client.encrypt(multi, plaintext)
  reset()
  assert.deepEqual((await client.decrypt(multi, result)).plaintext, plaintext)
  assert.equal(calls.decrypt.length, 1)
  const dec = client.decryptStream(rsa)
  const out = []
  const done = (async () => {
    for (const r = dec.readable.getReader(); ; ) {
      const { done, value } = await r.read()
      if (done) return
      out.push(...value)
    }
  })()
  const w = dec.writable.getWriter()
  for (let i = 0; i < result.length; i += 7) await w.write(result.slice(i, i + 7))
  await w.close()
  await done
  assert.deepEqual(Uint8Array.from(out), plaintext)
  assert.equal(calls.decrypt.length, 2)
})

test('pkcs1 (PKCS#1 v1.5) stays in the module: WebCrypto has no such decryption', async () => {
  mode = 'pass'
  const k = keyring('pkcs1')
  const { result } = await client.encrypt(k, plaintext)
  reset()
  assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
  assert.deepEqual(calls, { importKey: [], decrypt: [], encrypt: [] })
})

for (const [padding, hash] of [['oaep-sha1', 'SHA-1'], ['oaep-sha512', 'SHA-512']]) {
  test(`${padding}: encryption goes through WebCrypto RSA-OAEP ${hash}, the key imported once`, async () => {
    mode = 'pass'
    const k = keyring(padding)
    reset()
    const one = (await client.encrypt(k, plaintext)).result
    const two = (await client.encrypt(k, plaintext)).result
    assert.deepEqual(calls.importKey, [`spki RSA-OAEP ${hash} false encrypt`])
    assert.deepEqual(calls.encrypt, [`RSA-OAEP ${hash}`, `RSA-OAEP ${hash}`])
    // The module's own decryption (no host) opens what WebCrypto wrapped.
    const ownApi = createApi(glue, {})
    const own = ownApi.buildClient(api.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    const ownKeyring = new ownApi.RawRsaKeyring({ keyNamespace: 'ns', keyName: 'rsa', padding, privateKey: pems.pkcs8 })
    for (const ct of [one, two]) assert.deepEqual((await own.decrypt(ownKeyring, ct)).plaintext, plaintext)
  })
}

test('a public key WebCrypto refuses to import is encrypted to by the module; PKCS#1 v1.5 always is', async () => {
  mode = 'refuse-import'
  reset()
  const k = keyring('oaep-sha256')
  const { result } = await client.encrypt(k, plaintext)
  await client.encrypt(k, plaintext)
  assert.equal(calls.importKey.length, 1) // the refusal is remembered
  assert.deepEqual(calls.encrypt, [])
  mode = 'pass'
  assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
  reset()
  await client.encrypt(keyring('pkcs1'), plaintext)
  assert.deepEqual(calls.encrypt, [])
})

test('a WebCrypto encryption failure is one named error, and the module keeps working', async () => {
  const k = keyring('oaep-sha384')
  await client.encrypt(k, plaintext) // imported
  mode = 'reject'
  await assert.rejects(client.encrypt(k, plaintext), (e) => {
    assert.equal(e.name, 'SealkitError')
    assert.doesNotMatch(e.message, /unreachable|RuntimeError|OperationError/)
    return true
  })
  mode = 'pass'
  const { result } = await client.encrypt(k, plaintext)
  assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
})

test('a key WebCrypto refuses to import is decrypted by the module', async () => {
  const k = keyring('oaep-sha384')
  const { result } = await client.encrypt(k, plaintext)
  mode = 'refuse-import'
  reset()
  assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
  assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
  assert.equal(calls.importKey.length, 1) // the refusal is remembered
  assert.deepEqual(calls.decrypt, [])
  mode = 'pass'
})

test('a WebCrypto refusal is one named error, never a trap, and the module keeps working', async () => {
  const k = keyring('oaep-sha256')
  const { result } = await client.encrypt(k, plaintext)
  mode = 'reject'
  await assert.rejects(client.decrypt(k, result), (e) => {
    assert.equal(e.name, 'SealkitError')
    assert.equal(e.code, 'ERR_NO_DECRYPTING_KEYRING')
    assert.doesNotMatch(e.message, /unreachable|RuntimeError|OperationError/)
    return true
  })
  mode = 'pass'
  assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
})

test('a host that answers later without saying so gets a named error from the synchronous path', async () => {
  const lying = createApi(glue, {
    host: {
      rsaPrivateKey: () => ({ decrypt: () => new Promise(() => {}) }), // no `async: true`
    },
  })
  const c = lying.buildClient(lying.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  const k = new lying.RawRsaKeyring({ keyNamespace: 'ns', keyName: 'rsa', padding: 'oaep-sha256', publicKey: pems.publicKey, privateKey: pems.pkcs8 })
  const { result } = await c.encrypt(k, plaintext)
  await assert.rejects(c.decrypt(k, result), (e) => e.name === 'SealkitError' && /^ERR_/.test(e.code) && !/unreachable/.test(e.message))
})
