// Chromium ⇄ Node for items and the offline KMS RSA keyring: an item encrypted in Node is
// decrypted in the browser and vice versa; the browser encrypts with AwsKmsRsaKeyring holding
// only the PEM public key (no provider reachable from the page) and Node decrypts through the
// LocalKms that owns the key. The package is loaded unbundled from a static server on 127.0.0.1.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { sealkit, PKG_DIR } from '../js/pkg.mjs'
import { serveStatic } from './static-server.mjs'

const require = createRequire(join(fileURLToPath(new URL('../js/', import.meta.url)), 'package.json'))
const { chromium } = require('playwright-core')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const TEST_JS = fileURLToPath(new URL('../js/', import.meta.url))
const ITEM_VECTORS = fileURLToPath(new URL('../vectors/dbesdk/', import.meta.url))
const PAGE = `<!doctype html><meta charset="utf-8"><title>kms-items</title>
<script type="module">import * as s from '/pkg/index.browser.mjs'; window.sealkit = s; window.__ready = true</script>`
const ITEMS_PAGE = `<!doctype html><meta charset="utf-8"><title>items</title>
<script type="module">import * as s from '/pkg/index.items.browser.mjs'; window.sealkit = s; window.__ready = true</script>`
// Paths the pages fetched, in order.
const fetched = []

let server, context
const profile = mkdtempSync(join(tmpdir(), 'sealkit-chromium-kms-'))
after(async () => {
  if (context) await context.close()
  if (server) await new Promise((r) => server.close(r))
  rmSync(profile, { recursive: true, force: true })
})

async function serve() {
  // /pkg/ = the built package; /tests/ = the browser-safe item vector runner; /vectors/ = the item vectors
  let port
  ;({ server, port } = await serveStatic({
    pages: { '/': PAGE, '/index.html': PAGE, '/items.html': ITEMS_PAGE },
    roots: { '/pkg/': PKG_DIR, '/tests/': TEST_JS, '/vectors/': ITEM_VECTORS },
    onRequest: (path) => fetched.push(path),
  }))
  return port
}

let port
async function openPage() {
  if (!context) {
    port = await serve()
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  }
  return context.newPage()
}

async function load(p, path, errors) {
  await p.goto(`http://127.0.0.1:${port}${path}`)
  await p.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 }).catch(() => {})
  assert.ok(await p.evaluate(() => window.__ready === true), `page ${path} did not load: ${errors.join(' | ')}`)
}

const b64 = (u8) => Buffer.from(u8).toString('base64')
const derToPem = (der) => `-----BEGIN PUBLIC KEY-----\n${b64(der).replace(/(.{64})/g, '$1\n').trim()}\n-----END PUBLIC KEY-----\n`
// Items cross the page boundary as JSON with binary values in base64 (decryptItem accepts that).
const itemJson = (item) => JSON.parse(JSON.stringify(item, (k, v) => (v instanceof Uint8Array ? b64(v) : v)))

test('chromium ⇄ node: items both ways, offline KMS RSA encryption in the browser', { skip: existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM}` }, async () => {
  const { ItemEncryptor, RawAesKeyring, LocalKms, AwsKmsRsaKeyring, marshall, unmarshall, buildClient } = sealkit
  const aesKey = new Uint8Array(32).map((_, i) => i * 3)
  const config = { tableName: 'orders', partitionKey: 'id', attributeActions: { id: 'SIGN_ONLY', card: 'ENCRYPT_AND_SIGN', total: 'SIGN_ONLY', items: 'ENCRYPT_AND_SIGN' } }
  const enc = new ItemEncryptor({ ...config, keyring: new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey }) })
  const record = { id: 'o-1', card: '4111 1111 1111 1111', total: 99.5, items: ['book', 'pen'] }
  const fromNode = itemJson(await enc.encryptItem(marshall(record)))

  const kms = new LocalKms()
  const provider = kms.client({ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' })
  const { KeyMetadata } = await provider.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })
  const { PublicKey } = await provider.getPublicKey({ KeyId: KeyMetadata.Arn })

  const p = await openPage('/')
  const errors = []
  p.on('pageerror', (e) => errors.push(String(e)))
  await load(p, '/', errors)

  const out = await p.evaluate(
    async ({ fromNode, config, aesKey, keyId, pem, record }) => {
      const s = window.sealkit
      const keyring = new s.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: Uint8Array.from(aesKey) })
      const enc = new s.ItemEncryptor({ ...config, keyring })
      const decrypted = s.unmarshall(await enc.decryptItem(fromNode))
      const toB64 = (u8) => btoa(String.fromCharCode(...u8))
      const stored = await enc.encryptItem(s.marshall({ ...record, id: 'o-2', card: 'browser card' }))
      const fromBrowser = JSON.parse(JSON.stringify(stored, (k, v) => (v instanceof Uint8Array ? toB64(v) : v)))
      const rsa = new s.AwsKmsRsaKeyring({ keyId, publicKey: pem, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
      const { result } = await s.buildClient().encrypt(rsa, 'made offline in chromium', { suiteId: 0x0478 })
      let chunks = ''
      for (let i = 0; i < result.length; i += 4096) chunks += String.fromCharCode(...result.subarray(i, i + 4096))
      return { decrypted, fromBrowser, rsaCiphertext: btoa(chunks) }
    },
    { fromNode, config, aesKey: [...aesKey], keyId: KeyMetadata.Arn, pem: derToPem(PublicKey), record },
  )
  assert.deepEqual(out.decrypted, record, 'browser decrypted the Node item')
  console.log('browser kms-items: ok node item decrypted in chromium')
  assert.deepEqual(unmarshall(await enc.decryptItem(out.fromBrowser)), { ...record, id: 'o-2', card: 'browser card' })
  console.log('browser kms-items: ok chromium item decrypted in node')
  const online = new AwsKmsRsaKeyring({ keyId: KeyMetadata.Arn, provider, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
  const { plaintext } = await buildClient().decrypt(online, Buffer.from(out.rsaCiphertext, 'base64'))
  assert.equal(new TextDecoder().decode(plaintext), 'made offline in chromium')
  console.log('browser kms-items: ok offline RSA ciphertext from chromium decrypted in node through LocalKms')
  assert.deepEqual(errors, [])
})

test('chromium: sealkit/items runs records in its small module (WebCrypto ECDSA), both suites, both ways with node', { skip: existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM}` }, async () => {
  const { ItemEncryptor, RawAesKeyring, marshall, unmarshall } = sealkit
  const aesKey = new Uint8Array(32).map((_, i) => 255 - i)
  const config = { tableName: 'patients', partitionKey: 'id', sortKey: 'visit', attributeActions: { id: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', visit: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', diagnosis: 'ENCRYPT_AND_SIGN', notes: 'ENCRYPT_AND_SIGN', scan: 'ENCRYPT_AND_SIGN' } }
  const record = { id: 'p-7', visit: 3, diagnosis: 'ok ✓', notes: ['a', 'b'], scan: new Uint8Array([1, 2, 3]) }
  const fromNode = {}
  for (const suite of [0x6701, 0x6700]) {
    const enc = new ItemEncryptor({ ...config, algorithmSuiteId: suite, keyring: new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey }) })
    fromNode[suite] = itemJson(await enc.encryptItem(marshall(record)))
  }
  const p = await openPage()
  const errors = []
  p.on('pageerror', (e) => errors.push(String(e)))
  const before = fetched.length
  await load(p, '/items.html', errors)
  const out = await p.evaluate(
    async ({ fromNode, config, aesKey }) => {
      const s = window.sealkit
      const keyring = new s.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: Uint8Array.from(aesKey) })
      const toB64 = (u8) => btoa(String.fromCharCode(...u8))
      const res = {}
      for (const suite of [0x6701, 0x6700]) {
        const enc = new s.ItemEncryptor({ ...config, algorithmSuiteId: suite, keyring })
        const decrypted = s.unmarshall(await enc.decryptItem(fromNode[suite]))
        decrypted.scan = [...decrypted.scan]
        const stored = await enc.encryptItem(s.marshall({ id: 'p-8', visit: 1, diagnosis: `browser ${suite}`, notes: ['x'], scan: new Uint8Array([9]) }))
        let tampered
        try {
          await enc.decryptItem({ ...stored, visit: { N: '2' } })
        } catch (e) {
          tampered = e.code
        }
        res[suite] = { decrypted, fromBrowser: JSON.parse(JSON.stringify(stored, (k, v) => (v instanceof Uint8Array ? toB64(v) : v))), tampered, foot: stored.aws_dbe_foot.B.length }
      }
      return res
    },
    { fromNode, config, aesKey: [...aesKey] },
  )
  for (const suite of [0x6701, 0x6700]) {
    const enc = new ItemEncryptor({ ...config, algorithmSuiteId: suite, keyring: new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey }) })
    assert.deepEqual(out[suite].decrypted, { ...record, scan: [1, 2, 3] }, `browser decrypted the Node item (0x${suite.toString(16)})`)
    const back = unmarshall(await enc.decryptItem(out[suite].fromBrowser))
    assert.deepEqual(back, { id: 'p-8', visit: 1, diagnosis: `browser ${suite}`, notes: ['x'], scan: new Uint8Array([9]) })
    assert.match(out[suite].tampered ?? '', /^ERR_/, 'a changed signed attribute is refused in the browser')
    assert.equal(out[suite].foot, 48 + (suite === 0x6701 ? 103 : 0))
  }
  const wasm = fetched.slice(before).filter((f) => f.endsWith('.wasm'))
  assert.deepEqual(wasm, ['/pkg/sealkit_items_bg.wasm'], 'only the items module is fetched')
  console.log('browser kms-items: ok sealkit/items in chromium (0x6701 and 0x6700 both ways with node, no full module)')
  assert.deepEqual(errors, [])
})

test('chromium: every DB-ESDK item vector through sealkit/items (the small module on WebCrypto: raw AES and the static hierarchical keyring)', { skip: existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM}` }, async () => {
  const { HIERARCHICAL, RAW_AES } = await import('../js/item-vector-runner.mjs')
  const p = await openPage()
  const errors = []
  p.on('pageerror', (e) => errors.push(String(e)))
  // Count the page's WebCrypto HMAC-SHA-256 keys: the hierarchical keyring's wrapping-key derivation.
  await p.addInitScript(() => {
    const subtle = globalThis.crypto.subtle
    const importKey = subtle.importKey.bind(subtle)
    window.__hmacSha256 = 0
    subtle.importKey = (format, key, alg, ...rest) => {
      if (alg && alg.name === 'HMAC' && alg.hash === 'SHA-256') window.__hmacSha256++
      return importKey(format, key, alg, ...rest)
    }
  })
  const before = fetched.length
  await load(p, '/items.html', errors)
  const tallies = await p.evaluate(async (files) => {
    const runner = await import('/tests/item-vector-runner.mjs')
    const get = async (f) => (await fetch(`/vectors/${f}`)).json()
    const out = {}
    for (const f of files) {
      out[f] = f === runner.RAW_AES ? await runner.runRawAesManifest(window.sealkit, await get(f)) : await runner.runHierarchicalManifest(window.sealkit, f, await get(f), await get('keys.json'))
    }
    return out
  }, [RAW_AES, ...Object.keys(HIERARCHICAL)])
  let total = 0
  for (const [f, t] of Object.entries(tallies)) {
    console.log(`browser kms-items: item vectors ${f} in chromium (sealkit/items): ${t.passed} passed, ${t.failed.length} failed`)
    assert.deepEqual(t.failed, [], f)
    assert.ok(t.total > 0, f)
    assert.equal(t.passed, t.total, f)
    total += t.passed
  }
  assert.equal(total, 11 + 44)
  const hmacs = await p.evaluate(() => window.__hmacSha256)
  console.log(`browser kms-items: ${hmacs} WebCrypto HMAC-SHA-256 derivations for the hierarchical vectors`)
  // Every positive hierarchical case derives at least one wrapping key (negative ones may stop earlier).
  const { readFileSync } = await import('node:fs')
  const positives = Object.keys(HIERARCHICAL).reduce((n, f) => {
    const m = JSON.parse(readFileSync(join(ITEM_VECTORS, f), 'utf8'))
    return n + (m.tests ? Object.values(m.tests).filter((t) => t.type === 'positive-decrypt').length : m.DecryptTests.reduce((k, t) => k + t.EncryptedRecords.length, 0))
  }, 0)
  assert.ok(positives > 0 && hmacs >= positives, `the hierarchical keyring derived its wrapping keys on WebCrypto (${hmacs} for ${positives} positive cases)`)
  assert.deepEqual(fetched.slice(before).filter((f) => f.endsWith('.wasm')), ['/pkg/sealkit_items_bg.wasm'], 'every vector ran in the items module alone')
  assert.deepEqual(errors, [])
})
