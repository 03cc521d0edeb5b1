// What a browser app ships for raw-AES encrypt+decrypt: size-app.mjs bundled by esbuild
// (--bundle --minify, browser, esm) + the .wasm it fetches. gzip -9 of each, and the sum.
// Usage: npm run size   (after scripts/build-wasm.sh)
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, symlinkSync, readFileSync, cpSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const esbuild = require('esbuild')
const pkg = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sealkit-size-'))
try {
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(pkg, join(dir, 'node_modules', 'sealkit'), 'dir')
  cpSync(join(here, 'size-app.mjs'), join(dir, 'app.mjs'))
  const rows = []
  for (const [label, spec] of [
    ['sealkit', 'sealkit'],
    ['sealkit/lite', 'sealkit/lite'],
  ]) {
    if (spec === 'sealkit/lite' && !existsSync(join(pkg, 'index.lite.browser.mjs'))) continue
    const src = readFileSync(join(here, 'size-app.mjs'), 'utf8').replace("from 'sealkit'", `from '${spec}'`)
    const r = await esbuild.build({
      stdin: { contents: src, resolveDir: dir, sourcefile: 'app.mjs' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error',
    })
    const js = r.outputFiles[0].contents
    const wasmFile = spec === 'sealkit' ? 'sealkit_bg.wasm' : 'sealkit_lite_bg.wasm'
    const wasm = readFileSync(join(pkg, wasmFile))
    const gz = (b) => gzipSync(b, { level: 9 }).length
    rows.push({ label, jsRaw: js.length, jsGz: gz(js), wasmRaw: wasm.length, wasmGz: gz(wasm) })
  }
  const f = (n) => n.toLocaleString('en-US')
  console.log('| import | JS bundle (min) raw / gzip | .wasm raw / gzip | total gzip |')
  console.log('|---|---:|---:|---:|')
  for (const r of rows) {
    console.log(`| \`${r.label}\` | ${f(r.jsRaw)} / ${f(r.jsGz)} | ${f(r.wasmRaw)} / ${f(r.wasmGz)} | **${f(r.jsGz + r.wasmGz)}** |`)
  }
  console.log('| @aws-crypto/client-browser (reference, same use) | | | 58,823 |')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
