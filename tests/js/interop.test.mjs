// Interop with the official @aws-crypto/client-node 5.x: both directions, raw AES (128/192/256)
// and raw RSA (every padding Node can do) keyrings, every suite, with encryption context.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:crypto'
import { sealkit, VECTORS } from './pkg.mjs'

const require = createRequire(import.meta.url)
const esdk = require('@aws-crypto/client-node')
const { RawAesKeyringNode, RawRsaKeyringNode, RawAesWrappingSuiteIdentifier } = esdk

const keys = JSON.parse(readFileSync(`${VECTORS}/keys.json`, 'utf8')).keys
const RSA_PRIVATE = keys['rsa-4096-private'].material
const RSA_PUBLIC = keys['rsa-4096-public'].material
const SUITES = [0x0014, 0x0046, 0x0078, 0x0114, 0x0146, 0x0178, 0x0214, 0x0346, 0x0378, 0x0478, 0x0578]
const COMMITTING = new Set([0x0478, 0x0578])
const NS = 'interop-ns'

function aesPair(bits) {
  const key = new Uint8Array(bits / 8).map((_, i) => i * 3 + bits)
  const wrappingSuite = RawAesWrappingSuiteIdentifier[`AES${bits}_GCM_IV12_TAG16_NO_PADDING`]
  return {
    name: `aes-${bits}`,
    ours: new sealkit.RawAesKeyring({ keyNamespace: NS, keyName: `aes-${bits}`, wrappingKey: key }),
    theirs: new RawAesKeyringNode({ keyNamespace: NS, keyName: `aes-${bits}`, unencryptedMasterKey: key.slice(), wrappingSuite }),
  }
}

function rsaPair(padding) {
  const nodePadding = padding === 'pkcs1' ? constants.RSA_PKCS1_PADDING : constants.RSA_PKCS1_OAEP_PADDING
  const oaepHash = padding === 'pkcs1' ? undefined : padding.replace('oaep-', '')
  return {
    name: `rsa-${padding}`,
    ours: new sealkit.RawRsaKeyring({ keyNamespace: NS, keyName: 'rsa-4096', publicKey: RSA_PUBLIC, privateKey: RSA_PRIVATE, padding }),
    theirs: new RawRsaKeyringNode({
      keyNamespace: NS,
      keyName: 'rsa-4096',
      rsaKey: { publicKey: RSA_PUBLIC, privateKey: RSA_PRIVATE },
      padding: nodePadding,
      ...(oaepHash ? { oaepHash } : {}),
    }),
  }
}

const policyFor = (suite) => (COMMITTING.has(suite) ? 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' : 'FORBID_ENCRYPT_ALLOW_DECRYPT')
const ours = {}
const theirs = {}
const ourClient = (p) => (ours[p] ||= sealkit.buildClient({ commitmentPolicy: p }))
const theirClient = (p) => (theirs[p] ||= esdk.buildClient(esdk.CommitmentPolicy[p]))
const EC = { tenant: 'acme', purpose: 'interop', 'ünïcødé-ключ': '值 𐐷' }

/** Node ≥ 20.11 refuses RSA PKCS#1 v1.5 private decryption (CVE-2023-46809) unless reverted. */
async function nodeCanPkcs1Decrypt() {
  const { privateDecrypt, publicEncrypt } = await import('node:crypto')
  try {
    const c = publicEncrypt({ key: RSA_PUBLIC, padding: constants.RSA_PKCS1_PADDING }, Buffer.alloc(16, 1))
    privateDecrypt({ key: RSA_PRIVATE, padding: constants.RSA_PKCS1_PADDING }, c)
    return true
  } catch {
    return false
  }
}

async function roundTrips(pair, suites, sizes) {
  let n = 0
  for (const suiteId of suites) {
    const policy = policyFor(suiteId)
    for (const size of sizes) {
      const pt = new Uint8Array(size).map((_, i) => (i * 13 + suiteId) & 0xff)
      const frameLength = 512
      // sealkit → ESDK
      const a = await ourClient(policy).encrypt(pair.ours, pt, { suiteId, frameLength, encryptionContext: EC })
      if (pair.theirsCanDecrypt !== false) {
        const d = await theirClient(policy).decrypt(pair.theirs, a.result)
        assert.deepEqual(new Uint8Array(d.plaintext), pt, `${pair.name} ${suiteId.toString(16)} ${size}: sealkit → ESDK`)
        assert.equal(d.messageHeader.suiteId, suiteId)
        for (const [k, v] of Object.entries(EC)) assert.equal(d.messageHeader.encryptionContext[k], v)
        n++
      }
      // ESDK → sealkit
      const b = await theirClient(policy).encrypt(pair.theirs, pt, { suiteId, frameLength, encryptionContext: EC })
      const e = await ourClient(policy).decrypt(pair.ours, b.result, { encryptionContext: EC })
      assert.deepEqual(e.plaintext, pt, `${pair.name} ${suiteId.toString(16)} ${size}: ESDK → sealkit`)
      assert.equal(e.messageHeader.suiteId, suiteId)
      assert.equal(e.messageHeader.frameLength, frameLength)
      // and through the decrypt stream
      const s = ourClient(policy).decryptStream(pair.ours)
      const w = s.writable.getWriter()
      w.write(b.result.subarray(0, 77))
      w.write(b.result.subarray(77))
      w.close()
      const parts = []
      for await (const c of s.readable) parts.push(...c)
      assert.deepEqual(new Uint8Array(parts), pt)
      n++
    }
  }
  return n
}

test('raw AES-256: every suite, both directions', async () => {
  const n = await roundTrips(aesPair(256), SUITES, [0, 1, 1500])
  console.log(`interop aes-256: ${n} round trips across ${SUITES.length} suites`)
})

test('raw AES-128 / AES-192: every suite, both directions', async () => {
  let n = 0
  for (const bits of [128, 192]) n += await roundTrips(aesPair(bits), SUITES, [700])
  console.log(`interop aes-128/192: ${n} round trips`)
})

test('raw RSA: every padding, both directions', async () => {
  const pkcs1 = await nodeCanPkcs1Decrypt()
  let n = 0
  for (const padding of ['oaep-sha1', 'oaep-sha256', 'oaep-sha384', 'oaep-sha512', 'pkcs1']) {
    const pair = rsaPair(padding)
    if (padding === 'pkcs1' && !pkcs1) pair.theirsCanDecrypt = false
    n += await roundTrips(pair, padding === 'oaep-sha256' ? SUITES : [0x0478, 0x0178, 0x0578], [1000])
  }
  console.log(`interop rsa: ${n} round trips${pkcs1 ? '' : ' (Node refuses PKCS#1 v1.5 decryption: pkcs1 checked ESDK → sealkit only)'}`)
})

test('multi-keyring messages (AES + RSA EDKs) both directions', async () => {
  const aes = aesPair(256)
  const rsa = rsaPair('oaep-sha256')
  const ourMulti = new sealkit.MultiKeyring({ generator: aes.ours, children: [rsa.ours] })
  const theirMulti = new esdk.MultiKeyringNode({ generator: aes.theirs, children: [rsa.theirs] })
  const policy = 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'
  const a = await ourClient(policy).encrypt(ourMulti, 'multi', { encryptionContext: EC })
  for (const k of [aes.theirs, rsa.theirs]) assert.equal((await theirClient(policy).decrypt(k, a.result)).plaintext.toString(), 'multi')
  const b = await theirClient(policy).encrypt(theirMulti, 'multi', { encryptionContext: EC })
  for (const k of [aes.ours, rsa.ours]) assert.equal(new TextDecoder().decode((await ourClient(policy).decrypt(k, b.result)).plaintext), 'multi')
  assert.equal(b.messageHeader.encryptedDataKeys.length, 2)
})
