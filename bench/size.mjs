// What a browser app ships for each of sealkit's browser uses, against the AWS stack for the same
// use, measured in one run: each app in size-apps/ is bundled by esbuild (--bundle --minify,
// browser, esm, code splitting, as Vite/Rollup/webpack split by default), served from 127.0.0.1,
// and run in headless Chromium until it reports that the use finished. The figure is the sum of
// gzip -9 sizes of every script and .wasm file the page fetched (the static server records them).
// KMS requests go to a sealkit-key-server on loopback through the page's own origin (the static
// server forwards POSTs unchanged), so both stacks talk SigV4 to the same server without CORS.
//
// Usage: npm run size   (after scripts/build-wasm.sh; builds the key server with cargo)
// Env: SEALKIT_PKG_DIR (default ../pkg), SEALKIT_KEY_SERVER (binary), CHROMIUM, SIZE_JSON=path
// (also write the rows as JSON).
import { createRequire } from 'node:module'
import { createServer, request as httpRequest } from 'node:http'
import { mkdtempSync, mkdirSync, symlinkSync, readFileSync, writeFileSync, cpSync, rmSync, existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, extname, normalize } from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startKeyServer } from './key-server.mjs'

const require = createRequire(import.meta.url)
const esbuild = require('esbuild')
const { chromium } = require('playwright-core')
const pkg = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
if (!existsSync(join(pkg, 'index.node.mjs'))) throw new Error(`no built package at ${pkg}: run scripts/build-wasm.sh`)
if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`)
const awsDeps = join(here, 'browser-deps', 'node_modules')
const gz = (b) => gzipSync(b, { level: 9 }).length
const f = (n) => n.toLocaleString('en-US')

// [use, sealkit app, AWS app or null, target as a function of the AWS figure, target text]
const USES = [
  ['raw-AES encrypt + decrypt', 'raw-aes.sealkit.mjs', 'raw-aes.aws.mjs', (_, aws) => aws, '≤ 1.0× client-browser (goal 0.8×)'],
  ['AwsKmsKeyring over HTTP, encrypt + decrypt', 'kms.sealkit.mjs', 'kms.aws.mjs', (_, aws) => aws * 0.5, '≤ 0.5× client-browser + client-kms'],
  ['AwsKmsKeyring over HTTP via sealkit/kms', 'kms-entry.sealkit.mjs', 'kms.aws.mjs', (_, aws) => aws * 0.5, '≤ 0.5× client-browser + client-kms'],
  ['ItemEncryptor 0x6701, encrypt + decrypt', 'items.sealkit.mjs', null, () => 100_000, '≤ 100 KB'],
  ['ItemEncryptor 0x6701 via sealkit/items', 'items-entry.sealkit.mjs', null, () => 100_000, '≤ 100 KB'],
  ['KMS RSA keyring, offline encrypt', 'rsa-offline.sealkit.mjs', null, () => 60_000, '≤ 60 KB'],
]

const dir = mkdtempSync(join(tmpdir(), 'sealkit-size-'))
let keyServer
let browser
const servers = []
try {
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(pkg, join(dir, 'node_modules', 'sealkit'), 'dir')
  cpSync(join(here, 'size-apps'), join(dir, 'apps'), { recursive: true })

  // the KMS side: a symmetric key for the KMS keyrings, an RSA key whose public key is "downloaded"
  const credentials = { accessKeyId: 'AKIDSIZEHARNESS', secretAccessKey: 'size-harness-secret' }
  const region = 'us-east-1'
  keyServer = await startKeyServer(credentials)
  const sealkit = await import(pathToFileURL(join(pkg, 'index.node.mjs')).href)
  const kms = new sealkit.HttpKmsProvider({ endpoint: keyServer.url, region, credentials })
  const keyArn = (await kms.createKey({ Description: 'size harness' })).KeyMetadata.Arn
  const rsaKeyArn = (await kms.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })).KeyMetadata.Arn
  const der = (await kms.getPublicKey({ KeyId: rsaKeyArn })).PublicKey
  const rsaPublicKeyPem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`

  const measure = async (app) => {
    const name = app.replace(/\.mjs$/, '')
    const www = join(dir, 'www', name)
    await esbuild.build({
      entryPoints: [join(dir, 'apps', app)], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
      splitting: true, outdir: www, nodePaths: [awsDeps], logLevel: 'error', absWorkingDir: dir,
    })
    // esbuild leaves `new URL('….wasm', import.meta.url)` assets to the app: copy every .wasm of the package
    for (const w of readdirSync(pkg).filter((n) => n.endsWith('.wasm'))) cpSync(join(pkg, w), join(www, w))
    const fetched = []
    const config = { endpoint: '', region, credentials, keyArn, rsaKeyArn, rsaPublicKeyPem }
    const server = createServer((req, res) => {
      if (req.method === 'POST') {
        // KMS call: forwarded byte for byte (Host included, it is signed) to the key server
        const u = new URL(keyServer.url)
        // (a backend of the page's own origin: the browser's Origin header is not passed on, so the
        // key server needs no --cors-origin for these per-app ports)
        const { origin: _origin, ...headers } = req.headers
        const fwd = httpRequest({ host: u.hostname, port: u.port, method: 'POST', path: req.url, headers }, (r) => {
          res.writeHead(r.statusCode, r.headers)
          r.pipe(res)
        })
        fwd.on('error', () => res.writeHead(502).end())
        return req.pipe(fwd)
      }
      const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname))
      if (path === '/') {
        const html = `<!doctype html><meta charset="utf-8"><script>window.sizeConfig = ${JSON.stringify({ ...config, endpoint: `http://${req.headers.host}/` })}</script><script type="module" src="/${name}.js"></script>`
        return res.writeHead(200, { 'content-type': 'text/html' }).end(html)
      }
      const file = join(www, path)
      if (!file.startsWith(www + '/') || !existsSync(file)) return res.writeHead(404).end()
      const body = readFileSync(file)
      fetched.push({ file: path.slice(1), raw: body.length, gzip: gz(body) })
      res.writeHead(200, { 'content-type': { '.js': 'text/javascript', '.wasm': 'application/wasm' }[extname(file)] || 'application/octet-stream' }).end(body)
    })
    servers.push(server)
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    const page = await browser.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto(`http://127.0.0.1:${server.address().port}/`)
    await page.waitForFunction(() => window.sizeDone !== undefined, null, { timeout: 120_000 }).catch(() => {})
    const result = await page.evaluate(() => window.sizeDone)
    await page.close()
    server.close()
    if (!result || !result.ok) throw new Error(`${app}: the use did not finish: ${(result && result.error) || errors.join(' | ') || 'timeout'}`)
    return { app, value: result.value, fetched, gzip: fetched.reduce((s, x) => s + x.gzip, 0) }
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const rows = []
  // An AWS app shared by two rows (the KMS keyring through either sealkit entry) is measured once.
  const aws = new Map()
  for (const [use, mine, theirs, target, targetText] of USES) {
    const s = await measure(mine)
    if (theirs && !aws.has(theirs)) aws.set(theirs, await measure(theirs))
    const a = theirs ? aws.get(theirs) : null
    if (mine.startsWith('rsa-offline')) {
      // the offline message really is a KMS RSA message: decrypt it through the key server
      const keyring = new sealkit.AwsKmsRsaKeyring({ keyId: rsaKeyArn, provider: kms })
      const { plaintext } = await sealkit.buildClient().decrypt(keyring, Buffer.from(s.value, 'base64'), { encryptionContext: { app: 'size' } })
      s.value = Buffer.from(plaintext).toString()
    }
    for (const r of [s, a]) if (r && r.value !== 'hello' && !/^u1 a@example\.com 42$/.test(r.value)) throw new Error(`${r.app}: wrong result ${r.value}`)
    const limit = target(s.gzip, a && a.gzip)
    rows.push({ use, sealkit: s, aws: a, limit, targetText, met: s.gzip <= limit })
  }

  const files = (r) => r.fetched.map((x) => `${x.file.replace(/-[A-Z0-9]{8}\.js$/, '-….js')} ${f(x.gzip)}`).join(', ')
  console.log('| browser use | sealkit (gzip B fetched) | AWS stack for the same use | ratio | target | met |')
  console.log('|---|---:|---:|---:|---|---|')
  for (const r of rows) {
    const ratio = r.aws ? `${(r.sealkit.gzip / r.aws.gzip).toFixed(2)}×` : ''
    console.log(`| ${r.use} | ${f(r.sealkit.gzip)} | ${r.aws ? f(r.aws.gzip) : 'nothing shipped'} | ${ratio} | ${r.targetText} | ${r.met ? 'yes' : `no (+${f(Math.ceil(r.sealkit.gzip - r.limit))})`} |`)
  }
  console.log('')
  console.log('Files each page fetched (gzip bytes):')
  for (const r of rows) for (const x of [r.sealkit, r.aws].filter(Boolean)) console.log(`- ${x.app}: ${files(x)}`)
  if (process.env.SIZE_JSON) writeFileSync(process.env.SIZE_JSON, JSON.stringify(rows.map((r) => ({ use: r.use, sealkit: r.sealkit.gzip, aws: r.aws && r.aws.gzip, limit: r.limit, met: r.met, files: { sealkit: r.sealkit.fetched, aws: r.aws && r.aws.fetched } })), null, 2))
} finally {
  if (browser) await browser.close()
  for (const s of servers) s.close()
  if (keyServer) keyServer.stop()
  rmSync(dir, { recursive: true, force: true })
}
