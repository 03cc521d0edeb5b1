// Chromium: the wasm build encrypts through the HTTP KMS provider (fetch + SigV4, cross-origin)
// against sealkit-key-server on 127.0.0.1, and through a user-supplied JS provider object
// (WebCrypto AES-GCM), and through a CachingMaterialsManager (calls counted on their way to the
// server: 20 messages, 2 GenerateDataKey, 2 Decrypt), and offline with a KMS RSA public key in
// the small module (no full module fetched); Node decrypts them. SEALKIT_KEY_SERVER: the server binary
// (scripts/test-js.sh builds it). Servers are stopped by PID at the end.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { webcrypto } from 'node:crypto'
import { sealkit, PKG_DIR } from '../js/pkg.mjs'
import { serveStatic } from './static-server.mjs'
import { startKeyServer } from '../js/key-server.mjs'

const require = createRequire(join(fileURLToPath(new URL('../js/', import.meta.url)), 'package.json'))
const { chromium } = require('playwright-core')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const SERVER = process.env.SEALKIT_KEY_SERVER
const PAGE = `<!doctype html><meta charset="utf-8"><title>kms-http</title>
<script type="module">import * as s from '/pkg/index.browser.mjs'; window.sealkit = s; window.__ready = true</script>`
const KMS_PAGE = `<!doctype html><meta charset="utf-8"><title>kms entry</title>
<script type="module">import * as s from '/pkg/index.kms.browser.mjs'; window.sealkit = s; window.__ready = true</script>`
const AKID = 'AKIDBROWSER'
const SECRET = 'browser-secret'
const ROOT = 'arn:aws:iam::111122223333:root'
const USER_KEY = 'arn:aws:kms:us-east-1:111122223333:key/user-provided'

let page, context, keyServer
const profile = mkdtempSync(join(tmpdir(), 'sealkit-chromium-http-'))
after(async () => {
  if (context) await context.close()
  if (page) await new Promise((r) => page.close(r))
  if (keyServer) keyServer.stop()
  rmSync(profile, { recursive: true, force: true })
})

const fetched = new Set() // paths the page requested

async function servePage() {
  let port
  ;({ server: page, port } = await serveStatic({
    pages: { '/': PAGE, '/index.html': PAGE, '/kms.html': KMS_PAGE },
    roots: { '/pkg/': PKG_DIR },
    onRequest: (path) => fetched.add(path),
  }))
  return port
}

// The page's origin is the only one the key server lets call it (CORS); the credentials come
// through the environment, never a command line.
async function startPageKeyServer(pageOrigin) {
  keyServer = await startKeyServer({ binary: SERVER, accessKeyId: AKID, secretAccessKey: SECRET, principal: ROOT, corsOrigins: [pageOrigin] })
  return keyServer.url
}

// A user-supplied provider object: AES-GCM under a fixed key with the context bound as AAD.
// The same source runs in Node and in the page (WebCrypto in both).
const USER_PROVIDER_SRC = `(crypto, keyBytes, keyId) => {
  const aad = (ec) => new TextEncoder().encode(JSON.stringify(Object.entries(ec || {}).sort()))
  const key = crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['encrypt', 'decrypt'])
  const seal = async (pt, ec) => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad(ec) }, await key, pt))
    const out = new Uint8Array(12 + ct.length); out.set(iv); out.set(ct, 12); return out
  }
  return {
    async generateDataKey(req) {
      const Plaintext = crypto.getRandomValues(new Uint8Array(req.NumberOfBytes || 32))
      return { KeyId: keyId, Plaintext, CiphertextBlob: await seal(Plaintext, req.EncryptionContext) }
    },
    async encrypt(req) { return { KeyId: keyId, CiphertextBlob: await seal(req.Plaintext, req.EncryptionContext) } },
    async decrypt(req) {
      const b = req.CiphertextBlob
      const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b.subarray(0, 12), additionalData: aad(req.EncryptionContext) }, await key, b.subarray(12))
      return { KeyId: keyId, Plaintext: new Uint8Array(pt) }
    },
    async getPublicKey() { const e = new Error('no public key'); e.name = 'UnsupportedOperationException'; throw e },
  }
}`

test('chromium: HttpKmsProvider (fetch, SigV4), a JS provider object and a caching manager; node decrypts', { skip: !SERVER || !existsSync(SERVER) ? 'SEALKIT_KEY_SERVER not set' : !existsSync(CHROMIUM) ? `no chromium at ${CHROMIUM}` : false }, async () => {
  const { HttpKmsProvider, AwsKmsKeyring, buildClient } = sealkit
  const port = await servePage()
  const endpoint = await startPageKeyServer(`http://127.0.0.1:${port}`)
  const nodeProvider = new HttpKmsProvider({ endpoint, region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET } })
  const { KeyMetadata } = await nodeProvider.send('CreateKey', {})
  const userKey = new Uint8Array(32).map((_, i) => 255 - i)

  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const tab = await context.newPage()
  const errors = []
  tab.on('pageerror', (e) => errors.push(String(e)))
  await tab.goto(`http://127.0.0.1:${port}/`)
  await tab.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 }).catch(() => {})
  assert.ok(await tab.evaluate(() => window.__ready === true), `page did not load: ${errors.join(' | ')}`)

  // Offline RSA first, before anything loads the full module: the small module encrypts with
  // WebCrypto RSA-OAEP, and the page fetches no sealkit_bg.wasm for it.
  const { KeyMetadata: rsaKey } = await nodeProvider.send('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })
  const der = (await nodeProvider.getPublicKey({ KeyId: rsaKey.Arn })).PublicKey
  const rsaPem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PUBLIC KEY-----\n`
  const offline = await tab.evaluate(async ({ keyId, publicKey }) => {
    const s = window.sealkit
    const keyring = new s.AwsKmsRsaKeyring({ keyId, publicKey })
    const { result } = await s.buildClient().encrypt(keyring, 'offline from chromium', { suiteId: 0x0478, encryptionContext: { where: 'offline' } })
    let x = ''
    for (const b of result) x += String.fromCharCode(b)
    return btoa(x)
  }, { keyId: rsaKey.Arn, publicKey: rsaPem })
  assert.ok(fetched.has('/pkg/sealkit_lite_bg.wasm'))
  assert.ok(!fetched.has('/pkg/sealkit_bg.wasm'), 'offline RSA encrypt fetched the full module')
  const fromOffline = await buildClient().decrypt(new sealkit.AwsKmsRsaKeyring({ keyId: rsaKey.Arn, provider: nodeProvider }), Buffer.from(offline, 'base64'))
  assert.equal(new TextDecoder().decode(fromOffline.plaintext), 'offline from chromium')
  assert.equal(fromOffline.encryptionContext.where, 'offline')
  console.log('browser kms-http: ok chromium encrypted offline with a KMS RSA public key in the small module (WebCrypto RSA-OAEP), node decrypted through the key server')

  const out = await tab.evaluate(
    async ({ endpoint, akid, secret, keyArn, userKey, userKeyId, providerSrc }) => {
      const s = window.sealkit
      const b64 = (u8) => { let x = ''; for (let i = 0; i < u8.length; i += 4096) x += String.fromCharCode(...u8.subarray(i, i + 4096)); return btoa(x) }
      const client = s.buildClient()
      const http = new s.HttpKmsProvider({ endpoint, region: 'us-east-1', credentials: { accessKeyId: akid, secretAccessKey: secret } })
      const viaHttp = await client.encrypt(new s.AwsKmsKeyring({ provider: http, generatorKeyId: keyArn }), 'from chromium via fetch', { encryptionContext: { where: 'browser' } })
      const back = await client.decrypt(new s.AwsKmsKeyring({ provider: http, keyIds: [keyArn] }), viaHttp.result)
      const userProvider = (0, eval)(providerSrc)(crypto, Uint8Array.from(userKey), userKeyId)
      const viaObject = await client.encrypt(new s.AwsKmsKeyring({ provider: userProvider, generatorKeyId: userKeyId }), 'from chromium via a JS provider')
      // streams: the data key over fetch when the stream starts / has read the header
      const big = new Uint8Array(300_000).map((_, i) => (i * 13) & 0xff)
      const pipe = async (stream, data) => {
        const chunks = []
        for (let i = 0; i < data.length; i += 65_000) chunks.push(data.subarray(i, i + 65_000))
        const parts = []
        const reader = new Blob(chunks).stream().pipeThrough(stream).getReader()
        for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value)
        return new Uint8Array(await new Blob(parts).arrayBuffer())
      }
      const httpKeyring = new s.AwsKmsKeyring({ provider: http, generatorKeyId: keyArn })
      const streamed = await pipe(client.encryptStream(httpKeyring, { encryptionContext: { where: 'browser stream' } }), big)
      const unstreamed = await pipe(client.decryptStream(httpKeyring), streamed)
      const streamRoundTrip = unstreamed.length === big.length && unstreamed.every((b, i) => b === big[i])
      // the modules this page has fetched so far: the KMS keyrings over fetch and over a provider
      // object need the small KMS module, not the full one
      const wasmSoFar = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm'))
      let wrongSecret = null
      try {
        const bad = new s.HttpKmsProvider({ endpoint, region: 'us-east-1', credentials: { accessKeyId: akid, secretAccessKey: 'wrong' } })
        await client.encrypt(new s.AwsKmsKeyring({ provider: bad, generatorKeyId: keyArn }), 'x')
      } catch (e) { wrongSecret = { name: e.name, code: e.code, message: e.message } }
      // a caching manager in front of the key server: 20 concurrent encrypts under
      // maxMessagesEncrypted 10 → 2 GenerateDataKey; their decrypts → 2 Decrypt (counted on the
      // way to the server)
      const calls = { GenerateDataKey: 0, Decrypt: 0 }
      const counted = {
        generateDataKey: (r) => (calls.GenerateDataKey++, http.generateDataKey(r)),
        encrypt: (r) => http.encrypt(r),
        decrypt: (r) => (calls.Decrypt++, http.decrypt(r)),
      }
      const cmm = new s.CachingMaterialsManager({ keyring: new s.AwsKmsKeyring({ provider: counted, generatorKeyId: keyArn }), cache: new s.LocalCryptoMaterialsCache(4), maxAge: 60_000, maxMessagesEncrypted: 10 })
      const cached = await Promise.all(Array.from({ length: 20 }, (_, i) => client.encrypt(cmm, `cached ${i}`, { suiteId: 0x0478 })))
      let cachedRoundTrips = 0
      for (const [i, m] of cached.entries()) if (new TextDecoder().decode((await client.decrypt(cmm, m.result)).plaintext) === `cached ${i}`) cachedRoundTrips++
      return { wasmSoFar, http: b64(viaHttp.result), roundTrip: new TextDecoder().decode(back.plaintext), object: b64(viaObject.result), wrongSecret, streamed: b64(streamed), streamRoundTrip, calls, cachedRoundTrips, cached: b64(cached[19].result) }
    },
    { endpoint, akid: AKID, secret: SECRET, keyArn: KeyMetadata.Arn, userKey: [...userKey], userKeyId: USER_KEY, providerSrc: USER_PROVIDER_SRC },
  )
  assert.equal(out.roundTrip, 'from chromium via fetch')
  assert.deepEqual([...out.wasmSoFar].sort(), ['/pkg/sealkit_kms_bg.wasm', '/pkg/sealkit_lite_bg.wasm'], `KMS keyrings fetched ${out.wasmSoFar}`)
  console.log('browser kms-http: ok the default entry ran HttpKmsProvider, a provider object and streams on the small and KMS modules (no full module)')
  assert.equal(out.wrongSecret?.code, 'ERR_KMS', JSON.stringify(out.wrongSecret))
  assert.match(out.wrongSecret.message, /InvalidSignatureException/)

  const client = buildClient()
  const fromHttp = await client.decrypt(new AwsKmsKeyring({ provider: nodeProvider, keyIds: [KeyMetadata.Arn] }), Buffer.from(out.http, 'base64'))
  assert.equal(new TextDecoder().decode(fromHttp.plaintext), 'from chromium via fetch')
  assert.equal(fromHttp.encryptionContext.where, 'browser')
  console.log('browser kms-http: ok chromium encrypted through HttpKmsProvider, node decrypted')
  assert.deepEqual(out.calls, { GenerateDataKey: 2, Decrypt: 2 })
  assert.equal(out.cachedRoundTrips, 20)
  assert.equal(new TextDecoder().decode((await client.decrypt(new AwsKmsKeyring({ provider: nodeProvider, keyIds: [KeyMetadata.Arn] }), Buffer.from(out.cached, 'base64'))).plaintext), 'cached 19')
  console.log('browser kms-http: ok chromium CachingMaterialsManager: 20 messages, 2 GenerateDataKey, 2 Decrypt; node decrypted')
  assert.equal(out.streamRoundTrip, true, 'chromium: encryptStream → decryptStream through HttpKmsProvider')
  const fromStream = await client.decrypt(new AwsKmsKeyring({ provider: nodeProvider, keyIds: [KeyMetadata.Arn] }), Buffer.from(out.streamed, 'base64'))
  assert.equal(fromStream.plaintext.length, 300_000)
  assert.ok(fromStream.plaintext.every((b, i) => b === ((i * 13) & 0xff)))
  assert.equal(fromStream.encryptionContext.where, 'browser stream')
  console.log('browser kms-http: ok chromium streamed through HttpKmsProvider both ways, node decrypted')
  const nodeUserProvider = (0, eval)(USER_PROVIDER_SRC)(webcrypto, userKey, USER_KEY)
  const fromObject = await client.decrypt(new AwsKmsKeyring({ provider: nodeUserProvider, keyIds: [USER_KEY] }), Buffer.from(out.object, 'base64'))
  assert.equal(new TextDecoder().decode(fromObject.plaintext), 'from chromium via a JS provider')
  console.log('browser kms-http: ok chromium encrypted through a JS provider object, node decrypted')
  assert.deepEqual(errors, [])
})

test('chromium: the sealkit/kms entry (its own small module) encrypts through HttpKmsProvider and a provider object; node decrypts', { skip: !SERVER || !existsSync(SERVER) ? 'SEALKIT_KEY_SERVER not set' : !existsSync(CHROMIUM) ? `no chromium at ${CHROMIUM}` : false }, async () => {
  assert.ok(context && page && keyServer, 'the first test started chromium, the page server and the key server')
  const { HttpKmsProvider, AwsKmsKeyring, buildClient } = sealkit
  const port = page.address().port
  const endpoint = keyServer.url
  const nodeProvider = new HttpKmsProvider({ endpoint, region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET } })
  const { KeyMetadata } = await nodeProvider.send('CreateKey', { MultiRegion: true })
  const tab = await context.newPage()
  const errors = []
  tab.on('pageerror', (e) => errors.push(String(e)))
  await tab.goto(`http://127.0.0.1:${port}/kms.html`)
  await tab.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 }).catch(() => {})
  assert.ok(await tab.evaluate(() => window.__ready === true), `page did not load: ${errors.join(' | ')}`)
  const out = await tab.evaluate(
    async ({ endpoint, akid, secret, keyArn }) => {
      const s = window.sealkit
      const b64 = (u8) => { let x = ''; for (const b of u8) x += String.fromCharCode(b); return btoa(x) }
      const client = s.buildClient()
      const http = new s.HttpKmsProvider({ endpoint, region: 'us-east-1', credentials: { accessKeyId: akid, secretAccessKey: secret } })
      const keyring = new s.AwsKmsMrkAwareKeyring({ provider: http, keyId: keyArn })
      const signed = await client.encrypt(keyring, 'sealkit/kms in chromium', { encryptionContext: { entry: 'kms' } })
      const back = await client.decrypt(new s.AwsKmsMrkDiscoveryKeyring({ provider: http, region: 'us-east-1' }), signed.result)
      const counted = { n: 0, generateDataKey(r) { this.n++; return http.generateDataKey(r) }, decrypt: (r) => http.decrypt(r) }
      const viaObject = await client.encrypt(new s.AwsKmsKeyring({ provider: counted, generatorKeyId: keyArn }), 'via an object', { suiteId: 0x0478 })
      let local = null
      try { new s.LocalKms() } catch (e) { local = { code: e.code, message: e.message } }
      const wasm = performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm'))
      return { wasm, signed: b64(signed.result), back: new TextDecoder().decode(back.plaintext), object: b64(viaObject.result), calls: counted.n, local }
    },
    { endpoint, akid: AKID, secret: SECRET, keyArn: KeyMetadata.Arn },
  )
  await tab.close()
  assert.deepEqual(out.wasm, ['/pkg/sealkit_kms_bg.wasm'], `sealkit/kms fetched ${out.wasm}`)
  assert.equal(out.back, 'sealkit/kms in chromium')
  assert.equal(out.calls, 1)
  assert.equal(out.local?.code, 'ERR_INVALID_ARGUMENT')
  assert.match(out.local.message, /not included in 'sealkit\/kms'/)
  const keyring = new AwsKmsKeyring({ provider: nodeProvider, keyIds: [KeyMetadata.Arn] })
  const fromSigned = await buildClient().decrypt(keyring, Buffer.from(out.signed, 'base64'))
  assert.equal(new TextDecoder().decode(fromSigned.plaintext), 'sealkit/kms in chromium')
  assert.equal(fromSigned.encryptionContext.entry, 'kms')
  assert.equal(new TextDecoder().decode((await buildClient().decrypt(keyring, Buffer.from(out.object, 'base64'))).plaintext), 'via an object')
  assert.deepEqual(errors, [])
  console.log('browser kms-http: ok sealkit/kms fetched only sealkit_kms_bg.wasm; HttpKmsProvider (MRK-aware, MRK discovery) and a provider object, node decrypted')
})
