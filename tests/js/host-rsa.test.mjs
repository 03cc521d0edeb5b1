// Raw RSA keyrings in Node decrypt through node:crypto (OpenSSL, constant-time RSA) rather than
// the module's `rsa` 0.9 code (RUSTSEC-2023-0071; src/wasm/host_rsa.rs, js/node-host.mjs).
// Runs its own instance of the full module whose host's RSA keys are wrapped to count and to
// misbehave, so the test sees which implementation decrypted.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as nodeCrypto from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { PKG_DIR } from './pkg.mjs'

const href = (f) => pathToFileURL(PKG_DIR + '/' + f).href
const glue = await import(href('sealkit_web.js') + '?host-rsa')
glue.initSync({ module: readFileSync(PKG_DIR + '/sealkit_bg.wasm') })
const { createApi } = await import(href('api.mjs'))
const { installNodeHost } = await import(href('node-host.mjs'))
const nodeHost = installNodeHost(glue, nodeCrypto)

// `mode`: 'pass' (count and decrypt), 'throw', 'garbage' (a wrong key of the right length), 'long'.
let mode = 'pass'
const calls = []
const host = {
  rsaPrivateKey(pem) {
    const key = nodeHost.rsaPrivateKey(pem)
    if (key === undefined) return undefined // node:crypto cannot read it: the core says why
    return {
      decrypt(hash, ciphertext) {
        calls.push(hash)
        if (mode === 'throw') throw new Error('host refused')
        if (mode === 'garbage') return new Uint8Array(32).fill(7)
        if (mode === 'long') return new Uint8Array(ciphertext.length)
        return key.decrypt(hash, ciphertext)
      },
    }
  },
}
const api = createApi(glue, { host })
const client = api.buildClient(api.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)

const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
const pems = {
  publicKey: publicKey.export({ type: 'spki', format: 'pem' }),
  pkcs8: privateKey.export({ type: 'pkcs8', format: 'pem' }),
  pkcs1: privateKey.export({ type: 'pkcs1', format: 'pem' }),
}
const keyring = (padding, priv = pems.pkcs8) =>
  new api.RawRsaKeyring({ keyNamespace: 'ns', keyName: 'rsa', padding, publicKey: pems.publicKey, privateKey: priv })
const plaintext = new TextEncoder().encode('decrypted by node:crypto')

for (const [padding, hash] of [['oaep-sha1', 'sha1'], ['oaep-sha256', 'sha256'], ['oaep-sha384', 'sha384'], ['oaep-sha512', 'sha512']]) {
  test(`${padding}: decryption goes through node:crypto with hash ${hash}`, async () => {
    mode = 'pass'
    for (const priv of [pems.pkcs8, pems.pkcs1]) {
      const k = keyring(padding, priv)
      const { result } = await client.encrypt(k, plaintext)
      calls.length = 0
      const out = await client.decrypt(k, result)
      assert.deepEqual(out.plaintext, plaintext)
      assert.deepEqual(calls, [hash])
    }
  })
}

test('pkcs1 (PKCS#1 v1.5): stays in the module, which Node cannot replace (CVE-2023-46809)', async () => {
  mode = 'pass'
  const k = keyring('pkcs1')
  const { result } = await client.encrypt(k, plaintext)
  calls.length = 0
  const out = await client.decrypt(k, result)
  assert.deepEqual(out.plaintext, plaintext)
  assert.deepEqual(calls, [])
})

test('a host failure is one named error, never a trap, and the module keeps working', async () => {
  const k = keyring('oaep-sha256')
  const { result } = await client.encrypt(k, plaintext)
  for (const m of ['throw', 'garbage', 'long']) {
    mode = m
    await assert.rejects(client.decrypt(k, result), (e) => {
      assert.equal(e.name, 'SealkitError', `${m}: ${e}`)
      assert.match(e.code, /^ERR_/)
      assert.doesNotMatch(e.message, /unreachable|RuntimeError/)
      return true
    })
  }
  mode = 'pass'
  assert.deepEqual((await client.decrypt(k, result)).plaintext, plaintext)
})

test('a keyring whose PEM node:crypto cannot read is refused by the core, naming privateKey', () => {
  assert.throws(
    () => keyring('oaep-sha256', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
    (e) => e.name === 'SealkitError' && e.code === 'ERR_INVALID_ARGUMENT' && /privateKey/.test(e.message),
  )
})
