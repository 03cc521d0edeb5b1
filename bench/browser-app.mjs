// Runs in Chromium (bench/browser.mjs bundles it with esbuild): every local keyring through
// sealkit's default browser entry and sealkit/full, against @aws-crypto/client-browser with the
// same keyring kind, key, context, sizes and frame length (4096) in one page; rounds interleave
// the implementations; medians of per-round rates. client-browser has no hierarchical keyring:
// that row's anchor is its raw AES keyring (the same one symmetric wrap per message). Items
// (0x6701, 20 attributes) report items/s only: AWS ships no DB-ESDK for JavaScript.
import * as sealkit from 'sealkit'
import * as sealkitFull from 'sealkit/full'
import {
  buildClient, CommitmentPolicy, RawAesKeyringWebCrypto, RawAesWrappingSuiteIdentifier, RawRsaKeyringWebCrypto, MultiKeyringWebCrypto,
} from '@aws-crypto/client-browser'
// client-browser needs a Buffer (its README asks apps to provide one); sealkit does not.
import { Buffer } from 'buffer'
import { rate as measureRate, median } from './measure.mjs'

globalThis.Buffer ||= Buffer

const pem = (label, der) => {
  let s = ''
  for (const b of new Uint8Array(der)) s += String.fromCharCode(b)
  return `-----BEGIN ${label}-----\n${btoa(s).replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`
}

// → [[keyring name, [sealkit keyring, sealkit/full keyring, client-browser keyring]], …]
async function keyrings() {
  const aesKey = new Uint8Array(32).map((_, i) => i * 7 + 1)
  const suite = RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING
  const esdkAes = () =>
    RawAesKeyringWebCrypto.importCryptoKey(aesKey.slice(), suite).then(
      (masterKey) => new RawAesKeyringWebCrypto({ keyNamespace: 'bench', keyName: 'aes-256', wrappingSuite: suite, masterKey }),
    )
  const aes = (s) => new s.RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: aesKey })

  const pair = await crypto.subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt', 'decrypt'])
  const publicKey = pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', pair.publicKey))
  const privateKey = pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  const rsa = (s) => new s.RawRsaKeyring({ keyNamespace: 'bench', keyName: 'rsa-2048', publicKey, privateKey, padding: 'oaep-sha256' })
  const esdkRsa = async () => {
    const jwk = (k) => crypto.subtle.exportKey('jwk', k).then(({ key_ops: _ops, ...j }) => ({ ...j, alg: 'RSA-OAEP-256' }))
    return new RawRsaKeyringWebCrypto({
      keyNamespace: 'bench', keyName: 'rsa-2048',
      publicKey: await RawRsaKeyringWebCrypto.importPublicKey(await jwk(pair.publicKey)),
      privateKey: await RawRsaKeyringWebCrypto.importPrivateKey(await jwk(pair.privateKey)),
    })
  }
  const branchKey = { version: '8f1f6a2e-1c7c-4c4e-9a77-3f5a1d2b9c10', key: new Uint8Array(32).map((_, i) => 200 - i) }
  const hierarchical = (s) => new s.HierarchicalKeyring({ branchKeyId: 'bench-branch', branchKey })
  return [
    ['raw AES', [aes(sealkit), aes(sealkitFull), await esdkAes()]],
    ['raw RSA (OAEP-SHA256)', [rsa(sealkit), rsa(sealkitFull), await esdkRsa()]],
    ['multi (AES + RSA)', [
      new sealkit.MultiKeyring({ generator: aes(sealkit), children: [rsa(sealkit)] }),
      new sealkitFull.MultiKeyring({ generator: aes(sealkitFull), children: [rsa(sealkitFull)] }),
      new MultiKeyringWebCrypto({ generator: await esdkAes(), children: [await esdkRsa()] }),
    ]],
    ['hierarchical (warm cache)', [hierarchical(sealkit), hierarchical(sealkitFull), await esdkAes()]],
  ]
}

window.runBench = async ({ rounds, batchMs, only }) => {
  const ec = { purpose: 'bench', tenant: 'acme' }
  const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  const clients = [sealkit.buildClient(), sealkitFull.buildClient(), esdk]
  const names = ['sealkit', 'sealkit/full', 'client-browser']
  const rate = (fn) => measureRate(fn, batchMs)
  const rows = []
  for (const [keyringName, impls] of await keyrings()) {
    if (only && !keyringName.startsWith(only)) continue
    for (const size of [1024, 1024 * 1024]) {
      const pt = new Uint8Array(size).map((_, i) => i & 0xff)
      for (const suiteId of [0x0478, 0x0578]) {
        // each implementation decrypts its own message (the hierarchical row's anchor uses another keyring)
        const cts = []
        for (let i = 0; i < 3; i++) cts.push((await clients[i].encrypt(impls[i], pt, { suiteId, encryptionContext: ec, frameLength: 4096 })).result)
        // and sealkit's messages decrypt with client-browser's keyring where the keyring kind is the same
        if (!keyringName.startsWith('hierarchical')) {
          const back = await esdk.decrypt(impls[2], cts[0])
          if (back.plaintext.length !== size) throw new Error(`${keyringName}: client-browser could not read sealkit's message`)
        }
        for (const op of ['encrypt', 'decrypt']) {
          const fns = [0, 1, 2].map((i) =>
            op === 'encrypt'
              ? () => clients[i].encrypt(impls[i], pt, { suiteId, encryptionContext: ec, frameLength: 4096 })
              : () => clients[i].decrypt(impls[i], cts[i]),
          )
          for (const fn of fns) {
            const r = await fn() // warm-up (fills the hierarchical keyring's branch key cache)
            if (op === 'decrypt' && r.plaintext.length !== size) throw new Error('decrypt mismatch')
          }
          rows.push({ keyring: keyringName, size, suiteId, op, fns, rates: [[], [], []] })
        }
      }
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const r of rows) {
      const order = round % 2 ? [2, 1, 0] : [0, 1, 2]
      for (const i of order) r.rates[i].push(await rate(r.fns[i]))
    }
  }

  // items: 20 attributes (10 encrypted), suite 0x6701, raw AES keyring
  const record = { id: 'user-000042' }
  const actions = { id: 'SIGN_ONLY' }
  for (let i = 0; i < 10; i++) { record[`secret${i}`] = `s${i}-`.padEnd(150, 'x'); actions[`secret${i}`] = 'ENCRYPT_AND_SIGN' }
  for (let i = 0; i < 7; i++) { record[`meta${i}`] = `m${i}-`.padEnd(40, 'y'); actions[`meta${i}`] = 'SIGN_ONLY' }
  record.note1 = 'unsigned note one'; record.note2 = 'unsigned note two'; actions.note1 = 'DO_NOTHING'; actions.note2 = 'DO_NOTHING'
  const items = []
  for (const s of [sealkit, sealkitFull]) {
    const enc = new s.ItemEncryptor({
      tableName: 'bench', partitionKey: 'id', attributeActions: actions, algorithmSuiteId: 0x6701, allowedUnsignedAttributePrefix: 'note',
      keyring: new s.RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: new Uint8Array(32).fill(7) }),
    })
    const item = s.marshall(record)
    const stored = await enc.encryptItem(item)
    await enc.decryptItem(stored)
    items.push([() => enc.encryptItem(item), () => enc.decryptItem(stored)])
  }
  const itemRates = items.map(() => [[], []])
  if (!only || only === 'items') {
    for (let round = 0; round < rounds; round++) {
      for (const [i, [e, d]] of items.entries()) {
        itemRates[i][0].push(await rate(e))
        itemRates[i][1].push(await rate(d))
      }
    }
  }
  return {
    names,
    rows: rows.map((r) => ({ keyring: r.keyring, size: r.size, suiteId: r.suiteId, op: r.op, medians: r.rates.map(median) })),
    items: itemRates.map((r) => r.map((xs) => (xs.length ? median(xs) : 0))),
    userAgent: navigator.userAgent,
  }
}
window.benchReady = true
