// Real browser: Debian chromium driven by playwright-core loads the package bundled (esbuild,
// Vite, webpack 5) and unbundled (<script type="module"> importing the package files), from a static server
// on 127.0.0.1 that is stopped at the end.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, cpSync, symlinkSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, extname, normalize } from 'node:path'
import { createRequire } from 'node:module'
import { spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sealkit, PKG_DIR, VECTORS } from '../js/pkg.mjs'

const require = createRequire(join(fileURLToPath(new URL('../js/', import.meta.url)), 'package.json'))
const esbuild = require('esbuild')
const { chromium } = require('playwright-core')
const esdk = require('@aws-crypto/client-node')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const HERE = fileURLToPath(new URL('.', import.meta.url))

const root = mkdtempSync(join(tmpdir(), 'sealkit-browser-'))
let server
let context
after(async () => {
  if (context) await context.close()
  if (server) await new Promise((r) => server.close(r))
  rmSync(root, { recursive: true, force: true })
})

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' }

async function makeFixture() {
  const key = new Uint8Array(32).map((_, i) => 200 - i)
  const keys = JSON.parse(readFileSync(`${VECTORS}/keys.json`, 'utf8')).keys
  const namespace = 'browser-ns'
  const keyName = 'aes-key'
  const encryptionContext = { origin: 'node' }
  const ours = new sealkit.RawAesKeyring({ keyNamespace: namespace, keyName, wrappingKey: key })
  const theirs = new esdk.RawAesKeyringNode({
    keyNamespace: namespace,
    keyName,
    unencryptedMasterKey: key.slice(),
    wrappingSuite: esdk.RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  })
  const b64 = (u8) => Buffer.from(u8).toString('base64')
  const messages = []
  for (const suiteId of [0x0478, 0x0578]) {
    const a = await sealkit.buildClient().encrypt(ours, `sealkit-node ${suiteId}`, { suiteId, encryptionContext })
    messages.push({ from: `sealkit ${suiteId}`, plaintext: `sealkit-node ${suiteId}`, ciphertext: b64(a.result) })
    const b = await esdk.buildClient(esdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT).encrypt(theirs, `esdk-node ${suiteId}`, { suiteId, encryptionContext })
    messages.push({ from: `esdk ${suiteId}`, plaintext: `esdk-node ${suiteId}`, ciphertext: b64(b.result) })
  }
  const c = await esdk.buildClient(esdk.CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT).encrypt(theirs, 'esdk-node 0x0378', { encryptionContext })
  messages.push({ from: 'esdk 0x0378', plaintext: 'esdk-node 0x0378', ciphertext: b64(c.result) })
  const nodeExports = Object.keys(sealkit).sort()
  // A second RSA key in both private PEM forms: the page checks that WebCrypto decrypts with each.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const rsa2048 = {
    publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
    pkcs8: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    pkcs1: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }),
  }
  return { nodeExports, namespace, keyName, aesKey: b64(key), encryptionContext, messages, rsaPublic: keys['rsa-4096-public'].material, rsaPrivate: keys['rsa-4096-private'].material, rsa2048 }
}

async function prepare() {
  // unbundled: the package files as published, plus the shared checks
  cpSync(PKG_DIR, join(root, 'pkg'), { recursive: true })
  cpSync(join(HERE, 'shared.mjs'), join(root, 'shared.mjs'))
  writeFileSync(
    join(root, 'unbundled.html'),
    `<!doctype html><meta charset="utf-8"><title>unbundled</title>
<script type="module">
import * as sealkit from '/pkg/index.browser.mjs'
import { runChecks } from '/shared.mjs'
const fixture = await (await fetch('/fixture.json')).json()
window.__sealkitResults = await runChecks(sealkit, fixture)
</script>`,
  )
  writeFileSync(
    join(root, 'full.html'),
    `<!doctype html><meta charset="utf-8"><title>full</title>
<script type="module">
import * as sealkit from '/pkg/index.full.browser.mjs'
import { runChecks } from '/shared.mjs'
const fixture = await (await fetch('/fixture.json')).json()
window.__sealkitResults = await runChecks(sealkit, fixture)
</script>`,
  )
  // raw AES only, through the default entry: the full module must not be fetched
  writeFileSync(join(root, 'aes-only.html'), `<!doctype html><meta charset="utf-8"><title>aes-only</title><script type="module" src="/aes-only.mjs"></script>`)
  writeFileSync(join(root, 'aes-only.mjs'), readFileSync(join(HERE, 'aes-only.mjs'), 'utf8').replace("from 'sealkit'", "from '/pkg/index.browser.mjs'"))
  writeFileSync(
    join(root, 'lite.html'),
    `<!doctype html><meta charset="utf-8"><title>lite</title>
<script type="module">
import * as sealkit from '/pkg/index.lite.browser.mjs'
import { runChecks } from '/shared.mjs'
const fixture = await (await fetch('/fixture.json')).json()
window.__sealkitResults = await runChecks(sealkit, fixture, { lite: true })
</script>`,
  )
  // bundled: an app that imports 'sealkit' by name, bundled by esbuild for the browser
  const app = join(root, 'app-src')
  mkdirSync(join(app, 'node_modules'), { recursive: true })
  symlinkSync(PKG_DIR, join(app, 'node_modules', 'sealkit'), 'dir')
  cpSync(join(HERE, 'app.mjs'), join(app, 'app.mjs'))
  cpSync(join(HERE, 'shared.mjs'), join(app, 'shared.mjs'))
  mkdirSync(join(root, 'bundled'))
  await esbuild.build({
    entryPoints: [join(app, 'app.mjs')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(root, 'bundled', 'app.js'),
    preserveSymlinks: false,
    logLevel: 'error',
  })
  // esbuild leaves the `new URL('…wasm', import.meta.url)` assets to the app: both modules.
  for (const wasm of ['sealkit_lite_bg.wasm', 'sealkit_bg.wasm']) cpSync(join(PKG_DIR, wasm), join(root, 'bundled', wasm))
  writeFileSync(join(root, 'bundled.html'), `<!doctype html><meta charset="utf-8"><title>bundled</title><script type="module" src="/bundled/app.js"></script>`)
  // Vite (Rollup): two pages of one app, the full checks and raw AES only; Vite splits the
  // on-demand full-module JS into its own chunk and emits both .wasm assets.
  cpSync(join(HERE, 'aes-only.mjs'), join(app, 'aes-only.mjs'))
  writeFileSync(join(app, 'vite-app.html'), `<!doctype html><meta charset="utf-8"><title>vite</title><script type="module" src="./app.mjs"></script>`)
  writeFileSync(join(app, 'vite-aes-only.html'), `<!doctype html><meta charset="utf-8"><title>vite aes</title><script type="module" src="./aes-only.mjs"></script>`)
  const { build } = await import(pathToFileURL(require.resolve('vite')).href)
  await build({
    root: app,
    base: '/vite/',
    configFile: false,
    logLevel: 'warn',
    build: { outDir: join(root, 'vite'), target: 'es2022', rollupOptions: { input: [join(app, 'vite-app.html'), join(app, 'vite-aes-only.html')] } },
  })
  // webpack 5: the same two apps as classic scripts (webpack's runtime handles the top-level
  // await); `new URL(…wasm, import.meta.url)` becomes an emitted asset, import() a chunk.
  const webpack = require('webpack')
  const stats = await new Promise((resolve, reject) =>
    webpack({
      mode: 'production',
      context: app,
      target: 'web',
      entry: { app: './app.mjs', 'aes-only': './aes-only.mjs' },
      output: { path: join(root, 'webpack'), publicPath: '/webpack/', filename: '[name].js', chunkFilename: '[name]-[contenthash:8].js', assetModuleFilename: '[name]-[contenthash:8][ext]' },
    }).run((err, s) => (err ? reject(err) : resolve(s))),
  )
  assert.ok(!stats.hasErrors(), `webpack: ${stats.toString('errors-only')}`)
  for (const name of ['app', 'aes-only']) writeFileSync(join(root, 'webpack', `${name}.html`), `<!doctype html><meta charset="utf-8"><title>webpack ${name}</title><script src="/webpack/${name}.js"></script>`)
  writeFileSync(join(root, 'fixture.json'), JSON.stringify(await makeFixture()))
  const bundle = readFileSync(join(root, 'bundled', 'app.js'), 'utf8')
  assert.ok(!/node:fs|readFileSync/.test(bundle), 'the browser bundle must not contain the Node entry')
}

function serve() {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(root, path)
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end()
      return
    }
    try {
      const body = readFileSync(file)
      res.writeHead(200, { 'content-type': MIME[extname(file)] || 'application/octet-stream' }).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)))
}

test('chromium: bundled, unbundled, full, lite and raw-AES-only pages', async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`)
  await prepare()
  const port = await serve()
  context = await chromium.launchPersistentContext(mkdtempSync(join(root, 'chromium-profile-')) /* removed with root */, {
    executablePath: CHROMIUM,
    headless: true,
    // insecure.test resolves to the loopback server: a page there is not a secure context
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP insecure.test 127.0.0.1'],
  })
  // The default entry fetches the full module only for the pages that use RSA.
  // In an insecure context (no crypto.subtle) it routes everything to the full module.
  const fetchesFull = { unbundled: true, bundled: true, full: true, lite: false, 'aes-only': false, 'vite/vite-app': true, 'vite/vite-aes-only': false, 'webpack/app': true, 'webpack/aes-only': false, 'insecure:aes-only': true }
  for (const page of Object.keys(fetchesFull)) {
    const [host, path] = page.startsWith('insecure:') ? ['insecure.test', page.slice(9)] : ['127.0.0.1', page]
    const p = await context.newPage()
    const requests = []
    p.on('request', (r) => requests.push(new URL(r.url()).pathname))
    const errors = []
    p.on('pageerror', (e) => errors.push(String(e)))
    p.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await p.goto(`http://${host}:${port}/${path}.html`)
    assert.equal(await p.evaluate(() => window.isSecureContext), host === '127.0.0.1', `${page}: secure context`)
    await p.waitForFunction(() => window.__sealkitResults !== undefined || window.__failed, null, { timeout: 60_000 }).catch(() => {})
    const results = await p.evaluate(() => window.__sealkitResults)
    assert.ok(results, `${page}: page did not finish; errors: ${errors.join(' | ')}`)
    for (const r of results) console.log(`browser ${page}: ${r.ok ? 'ok' : 'FAILED'} ${r.name}${r.ok ? '' : ' — ' + r.error}`)
    assert.deepEqual(results.filter((r) => !r.ok), [], page)
    assert.equal(results.length, page.endsWith('aes-only') ? 1 : 6)
    // Vite and webpack (as configured above) name assets sealkit_bg-<hash>.wasm
    const wasm = requests.filter((r) => r.endsWith('.wasm')).map((r) => r.split('/').pop().replace(/-[\w-]{8}\.wasm$/, '.wasm'))
    console.log(`browser ${page}: fetched ${wasm.join(', ')}`)
    assert.equal(wasm.includes('sealkit_bg.wasm'), fetchesFull[page], `${page}: full module fetched: ${wasm}`)
    assert.equal(wasm.includes('sealkit_lite_bg.wasm'), page !== 'full', `${page}: small module fetched: ${wasm}`)
    await p.close()
  }
})

test('chromium: examples/browser page (served by its serve.mjs)', async () => {
  assert.ok(context, 'browser not started')
  const port = 20000 + Math.floor(Math.random() * 20000)
  const serveJs = fileURLToPath(new URL('../../examples/browser/serve.mjs', import.meta.url))
  const child = spawn(process.execPath, [serveJs, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => String(d).includes('http://') && resolve())
      child.on('exit', (code) => reject(new Error(`serve.mjs exited ${code}`)))
    })
    const p = await context.newPage()
    await p.goto(`http://127.0.0.1:${port}/`)
    await p.waitForFunction(() => document.getElementById('pt').textContent.length > 0, null, { timeout: 30_000 })
    assert.equal(await p.textContent('#pt'), 'Hello from the browser!')
    assert.match(await p.textContent('#ct'), /^[A-Za-z0-9+/]+=*$/)
    const header = JSON.parse(await p.textContent('#header'))
    assert.equal(header.suiteId, '0x0578')
    await p.selectOption('#suite', String(0x0178))
    await p.fill('#text', 'second run')
    await p.click('#go')
    await p.waitForFunction(() => document.getElementById('pt').textContent === 'second run', null, { timeout: 30_000 })
    assert.equal(JSON.parse(await p.textContent('#header')).suiteId, '0x0178')
    console.log('browser example: ok (encrypt, header, decrypt; suite switch)')
    await p.close()
  } finally {
    child.kill()
  }
})
