// Step 5: the browser example (examples/browser: the package's browser entry, unbundled) in
// headless Chromium: the page encrypts and decrypts with WebCrypto + wasm; a screenshot is saved.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const SERVE = fileURLToPath(new URL('../browser/serve.mjs', import.meta.url))

export async function browserDemo(log, { chromiumPath, screenshot }) {
  const { chromium } = require('playwright-core')
  const server = spawn(process.execPath, [SERVE, '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const profile = mkdtempSync(join(tmpdir(), 'sealkit-demo-chromium-'))
  let context
  try {
    const line = await new Promise((resolve, reject) => {
      createInterface({ input: server.stdout }).once('line', resolve)
      server.once('exit', (code) => reject(new Error(`examples/browser/serve.mjs exited with ${code}`)))
    })
    const url = /(http:\/\/\S+)/.exec(line)[1]
    log(`serving examples/browser and pkg/ at ${url} (pid ${server.pid})`)
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1000, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
    const page = await context.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(url)
    await page.waitForFunction(() => document.getElementById('pt').textContent !== '', null, { timeout: 30_000 })
    const decrypted = await page.textContent('#pt')
    const size = await page.textContent('#ctlen')
    if (decrypted !== 'Hello from the browser!' || errors.length) throw new Error(`the page did not round-trip: ${decrypted} ${errors.join('; ')}`)
    log(`headless Chromium: the page encrypted its text ${size} and decrypted ${JSON.stringify(decrypted)}`)
    await page.screenshot({ path: screenshot, fullPage: true })
    log(`screenshot: ${screenshot}`)
  } finally {
    if (context) await context.close()
    process.kill(server.pid, 'SIGTERM')
    rmSync(profile, { recursive: true, force: true })
  }
}
