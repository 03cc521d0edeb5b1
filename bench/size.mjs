// What a browser app ships for raw-AES encrypt+decrypt: size-app.mjs bundled by esbuild
// (--bundle --minify, browser, esm) + the .wasm it fetches. gzip -9 of each, and the sum.
// The default entry loads the full module with a dynamic import(): measured with code splitting
// (what Vite, Rollup and webpack do by default; only the chunks the app loads at start count)
// and without it (plain esbuild, which inlines the on-demand JS into the one bundle).
// Usage: npm run size   (after scripts/build-wasm.sh)
import { createRequire } from 'node:module'
import { mkdtempSync, mkdirSync, symlinkSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const esbuild = require('esbuild')
const pkg = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
const here = fileURLToPath(new URL('.', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'sealkit-size-'))
const gz = (b) => gzipSync(b, { level: 9 }).length
const f = (n) => n.toLocaleString('en-US')

// → { js: [raw, gzip] of the chunks loaded at start, wasm: the .wasm files fetched at start }
async function measure(spec, splitting) {
  const app = join(dir, `app-${spec.replace(/\W/g, '_')}.mjs`)
  writeFileSync(app, readFileSync(join(here, 'size-app.mjs'), 'utf8').replace("from 'sealkit'", `from '${spec}'`))
  const outdir = join(dir, `out-${spec.replace(/\W/g, '_')}-${splitting}`)
  const r = await esbuild.build({
    entryPoints: [app], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022',
    splitting, outdir, write: false, metafile: true, logLevel: 'error', absWorkingDir: dir,
  })
  const files = new Map(r.outputFiles.map((o) => [relative(dir, o.path), o.contents]))
  const meta = r.metafile.outputs
  const entry = Object.keys(meta).find((k) => meta[k].entryPoint)
  // the entry and every chunk it imports statically (not the import() ones)
  const loaded = new Set()
  const visit = (k) => {
    if (loaded.has(k)) return
    loaded.add(k)
    for (const i of meta[k].imports) if (i.kind === 'import-statement' && meta[i.path]) visit(i.path)
  }
  visit(entry)
  let raw = 0
  let gzip = 0
  for (const k of loaded) {
    const b = files.get(k)
    raw += b.length
    gzip += gz(b)
  }
  // the modules the default and lite entries fetch at start; sealkit/full fetches the full one
  const wasmFile = spec === 'sealkit/full' ? 'sealkit_bg.wasm' : 'sealkit_lite_bg.wasm'
  const wasm = readFileSync(join(pkg, wasmFile))
  return { label: `\`${spec}\`${splitting ? '' : ' (no code splitting)'}`, jsRaw: raw, jsGz: gzip, wasmRaw: wasm.length, wasmGz: gz(wasm) }
}

try {
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(pkg, join(dir, 'node_modules', 'sealkit'), 'dir')
  const rows = []
  rows.push(await measure('sealkit', true))
  rows.push(await measure('sealkit', false))
  rows.push(await measure('sealkit/lite', true))
  rows.push(await measure('sealkit/full', true))
  console.log('| import | JS loaded at start (min) raw / gzip | .wasm raw / gzip | total gzip |')
  console.log('|---|---:|---:|---:|')
  for (const r of rows) console.log(`| ${r.label} | ${f(r.jsRaw)} / ${f(r.jsGz)} | ${f(r.wasmRaw)} / ${f(r.wasmGz)} | **${f(r.jsGz + r.wasmGz)}** |`)
  console.log('| @aws-crypto/client-browser (reference, same use) | | | 58,823 |')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
