// sealkit in a real browser: bench/browser-app.mjs bundled by esbuild, served from 127.0.0.1,
// run in headless Debian chromium (playwright-core). Prints medians and the ratios
// sealkit/client-browser for every local keyring (raw AES, raw RSA, multi, hierarchical), and
// items/s. Env: BENCH_ROUNDS (default 5), BENCH_MS (default 250), CHROMIUM, BENCH_ONLY (a keyring
// name prefix, or 'items').
// Usage: npm run bench:browser   (after scripts/build-wasm.sh)
import { createRequire } from 'node:module'
import { createServer } from 'node:http'
import { mkdtempSync, mkdirSync, symlinkSync, readFileSync, cpSync, rmSync, existsSync } from 'node:fs'
import { tmpdir, cpus } from 'node:os'
import { join, extname, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const esbuild = require('esbuild')
const { chromium } = require('playwright-core')
const pkg = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5)
const BATCH_MS = Number(process.env.BENCH_MS || 250)
if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`)

const dir = mkdtempSync(join(tmpdir(), 'sealkit-bench-browser-'))
let server
let browser
try {
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(pkg, join(dir, 'node_modules', 'sealkit'), 'dir')
  cpSync(join(here, 'browser-app.mjs'), join(dir, 'app.mjs'))
  cpSync(join(here, 'measure.mjs'), join(dir, 'measure.mjs'))
  mkdirSync(join(dir, 'www'))
  await esbuild.build({
    entryPoints: [join(dir, 'app.mjs')], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
    splitting: true, outdir: join(dir, 'www'), nodePaths: [join(here, 'browser-deps', 'node_modules')], logLevel: 'error',
  })
  for (const w of ['sealkit_bg.wasm', 'sealkit_lite_bg.wasm']) cpSync(join(pkg, w), join(dir, 'www', w))
  const page = '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>'
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname))
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page)
    const file = join(dir, 'www', path)
    if (!file.startsWith(join(dir, 'www')) || !existsSync(file)) return res.writeHead(404).end()
    const type = { '.js': 'text/javascript', '.wasm': 'application/wasm' }[extname(file)] || 'application/octet-stream'
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  const p = await browser.newPage()
  const errors = []
  p.on('pageerror', (e) => errors.push(String(e)))
  await p.goto(`http://127.0.0.1:${server.address().port}/`)
  await p.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 }).catch(() => {})
  if (errors.length) throw new Error(errors.join(' | '))
  const out = await p.evaluate((o) => window.runBench(o), { rounds: ROUNDS, batchMs: BATCH_MS, only: process.env.BENCH_ONLY })
  const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1))
  console.log(`${out.userAgent.match(/(Headless)?Chrom(e|ium)\/[\d.]+/)[0]}, ${cpus().length} CPUs (${cpus()[0] && cpus()[0].model}), ${ROUNDS} rounds × ${BATCH_MS} ms, medians (ops/s)`)
  console.log('')
  // issue 13's targets: ≥ 1.0× client-browser at 1 MiB, ≥ 1.5× at 1 KiB 0x0478, every entry
  const target = (r) => (r.size === 1024 * 1024 ? 1.0 : r.suiteId === 0x0478 ? 1.5 : null)
  console.log(`| keyring | size | suite | op | ${out.names.join(' | ')} | sealkit/client-browser | sealkit/full / client-browser | target |`)
  console.log(`|---|---|---|---|${out.names.map(() => '---:').join('|')}|---:|---:|---|`)
  let met = 0
  let missed = 0
  for (const r of out.rows) {
    const [s, f, e] = r.medians
    const size = r.size === 1024 ? '1 KiB' : '1 MiB'
    const t = target(r)
    const ok = t === null ? '' : s / e >= t && f / e >= t ? `≥ ${t}×: yes` : `≥ ${t}×: no`
    if (t !== null) s / e >= t && f / e >= t ? met++ : missed++
    console.log(`| ${r.keyring} | ${size} | 0x${r.suiteId.toString(16).padStart(4, '0')} | ${r.op} | ${r.medians.map(fmt).join(' | ')} | ${(s / e).toFixed(2)} | ${(f / e).toFixed(2)} | ${ok} |`)
  }
  console.log('')
  console.log(`rows with a target: ${met} met, ${missed} not met`)
  if (out.items[0][0]) {
    console.log('')
    console.log('| items 0x6701 (20 attributes, raw AES) | encrypt items/s | decrypt items/s |')
    console.log('|---|---:|---:|')
    for (const [i, name] of ['sealkit', 'sealkit/full'].entries()) console.log(`| ${name} | ${fmt(out.items[i][0])} | ${fmt(out.items[i][1])} |`)
  }
} finally {
  if (browser) await browser.close()
  if (server) server.close()
  rmSync(dir, { recursive: true, force: true })
}
