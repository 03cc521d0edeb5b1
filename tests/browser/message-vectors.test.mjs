// Chromium: every ESDK message vector (614, the Rust run's per-set counts) through the default
// browser entry, unbundled — the small module with WebCrypto ECDSA and AES-GCM, and the full
// module it fetches on demand for the RSA and AES-192 cases. The checks are those of the Node
// run (message-vector-runner.mjs: one-shot and chunked streaming decrypt, expected plaintext or
// a named SealkitError); the page fetches the vectors from a static server on 127.0.0.1, which
// also records which .wasm files the entry fetched.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { PKG_DIR, VECTORS } from '../js/pkg.mjs'
import { serveStatic } from './static-server.mjs'
import { SETS } from '../js/message-vector-runner.mjs'

const require = createRequire(join(fileURLToPath(new URL('../js/', import.meta.url)), 'package.json'))
const { chromium } = require('playwright-core')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const SKIP = existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM}`
const TEST_JS = fileURLToPath(new URL('../js/', import.meta.url))
const PAGE = `<!doctype html><meta charset="utf-8"><title>message-vectors</title>
<script type="module">import * as s from '/pkg/index.browser.mjs'; window.sealkit = s; window.__ready = true</script>`
// /pkg/ = the built package; /tests/ = the browser-safe runner (and its imports); /vectors/ = the ESDK vectors
const ROOTS = { '/pkg/': PKG_DIR, '/tests/': TEST_JS, '/vectors/': VECTORS + '/' }
// Paths the page fetched, in order.
const fetched = []

let server, context, page
const errors = []
const profile = mkdtempSync(join(tmpdir(), 'sealkit-chromium-vectors-'))
after(async () => {
  if (context) await context.close()
  if (server) await new Promise((r) => server.close(r))
  rmSync(profile, { recursive: true, force: true })
})

async function serve() {
  let port
  ;({ server, port } = await serveStatic({ pages: { '/': PAGE }, roots: ROOTS, onRequest: (path) => fetched.push(path) }))
  return port
}

// The page, loaded once for every set (as an app would keep its modules): the full module is
// fetched at most once however many RSA cases there are.
async function openPage() {
  if (page) return page
  const port = await serve()
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const p = await context.newPage()
  p.on('pageerror', (e) => errors.push(String(e)))
  // Count the page's WebCrypto calls by operation and algorithm ('decrypt AES-GCM', 'verify ECDSA',
  // …): the evidence that the entry ran the vectors on WebCrypto rather than in wasm.
  await p.addInitScript(() => {
    const subtle = globalThis.crypto.subtle
    window.__webCrypto = {}
    for (const op of ['decrypt', 'verify']) {
      const f = subtle[op].bind(subtle)
      subtle[op] = (alg, ...rest) => {
        const name = `${op} ${typeof alg === 'string' ? alg : alg.name}`
        window.__webCrypto[name] = (window.__webCrypto[name] || 0) + 1
        return f(alg, ...rest)
      }
    }
  })
  await p.goto(`http://127.0.0.1:${port}/`)
  await p.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 }).catch(() => {})
  assert.ok(await p.evaluate(() => window.__ready === true), `page did not load: ${errors.join(' | ')}`)
  // one runner for the page: its clients and keyrings are reused across sets, as in the Node run
  await p.evaluate(async () => {
    const { createMessageVectorRunner } = await import('/tests/message-vector-runner.mjs')
    window.__runner = createMessageVectorRunner(window.sealkit)
  })
  page = p
  return p
}

const started = Date.now()
let total = 0
for (const [set, manifestName, expectedCount] of SETS) {
  test(`chromium: esdk vectors ${set}/${manifestName} through the default browser entry`, { skip: SKIP }, async () => {
    const p = await openPage()
    const t0 = Date.now()
    // One evaluate per set; each file is fetched as bytes when its case runs.
    const r = await p.evaluate(
      async ({ set, manifestName }) => {
        const { vectorPath } = await import('/tests/message-vector-runner.mjs')
        const get = async (path) => {
          const res = await fetch(`/vectors/${set}/${path}`)
          if (!res.ok) throw new Error(`/vectors/${set}/${path}: HTTP ${res.status}`)
          return res
        }
        const manifest = await (await get(manifestName)).json()
        const keys = (await (await get(vectorPath(manifest.keys))).json()).keys
        return window.__runner.runManifest(manifest, keys, async (path) => new Uint8Array(await (await get(path)).arrayBuffer()))
      },
      { set, manifestName },
    )
    console.log(`browser message-vectors: ${set}/${manifestName} in chromium (default entry): ${r.passed} passed, ${r.failed.length} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
    total += r.passed
    assert.deepEqual(r.failed, [])
    // not the lite runner: nothing is counted apart
    assert.equal(r.rsa + r.aes192, 0)
    assert.equal(r.passed, expectedCount)
    assert.deepEqual(errors, [])
  })
}

test('chromium: esdk vectors total, and the wasm modules the default entry fetched', { skip: SKIP }, async () => {
  console.log(`browser message-vectors: total ${total} passed in chromium (expected 614), ${((Date.now() - started) / 1000).toFixed(1)} s`)
  assert.equal(total, 614)
  const wasm = fetched.filter((f) => f.endsWith('.wasm'))
  console.log(`browser message-vectors: wasm fetched: ${wasm.join(', ')}`)
  assert.ok(wasm.includes('/pkg/sealkit_lite_bg.wasm'), 'the default entry runs on the small module')
  // The RSA master keys need the full module: fetched on demand, once, after the small one.
  const rsaCases = SETS.some(([set, name]) => Object.values(JSON.parse(readFileSync(join(VECTORS, set, name), 'utf8')).tests).some((t) => t['master-keys'].some((mk) => mk['encryption-algorithm'] === 'rsa')))
  assert.ok(rsaCases, 'the vectors hold RSA cases')
  assert.deepEqual(wasm, ['/pkg/sealkit_lite_bg.wasm', '/pkg/sealkit_bg.wasm'], 'the small module at import, the full module once, on demand')
  const calls = await page.evaluate(() => window.__webCrypto)
  console.log(`browser message-vectors: WebCrypto calls: ${Object.entries(calls).map(([k, n]) => `${n} ${k}`).join(', ')}`)
  // frames, signatures and RSA-OAEP unwrapping all went through WebCrypto
  for (const op of ['decrypt AES-GCM', 'verify ECDSA', 'decrypt RSA-OAEP']) assert.ok(calls[op] > 0, `no WebCrypto ${op}`)
  assert.deepEqual(errors, [])
})
