// Item encryption throughput in Node (the built package in ../pkg): a 20-attribute, ~2 KiB item
// (10 ENCRYPT_AND_SIGN, 8 SIGN_ONLY, 2 DO_NOTHING), suites 0x6701 (signed) and 0x6700; raw AES
// keyring and hierarchical keyring (static branch key, warm branch key cache: the cache is inside
// the keyring and is filled by the first encryption); encrypt and decrypt; medians of per-batch
// rates. No timing assertions anywhere.
// Run: scripts/build-wasm.sh && (cd bench && npm run bench:items)
// Env: BENCH_ROUNDS (default 7), BENCH_MS (time per batch, default 250).
import { cpus } from 'node:os'
import { existsSync } from 'node:fs'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { rate as measureRate, median } from './measure.mjs'
import { benchItem } from './item-fixture.mjs'

const pkg = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
if (!existsSync(`${pkg}/index.node.mjs`)) throw new Error(`${pkg} missing: run scripts/build-wasm.sh`)
const { ItemEncryptor, RawAesKeyring, HierarchicalKeyring, CryptoAction, marshall } = await import(pathToFileURL(`${pkg}/index.node.mjs`).href)

const ROUNDS = Number(process.env.BENCH_ROUNDS || 7)
const BATCH_MS = Number(process.env.BENCH_MS || 250)

const { record, config } = benchItem(CryptoAction)
const item = marshall(record)
const bytes = JSON.stringify(record).length

const keyrings = {
  'raw AES': new RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: new Uint8Array(32).fill(7) }),
  'hierarchical (warm cache)': new HierarchicalKeyring({
    branchKeyId: 'bench-branch-key',
    branchKey: { version: 'e9ce18a3-edb5-4272-9f86-1cacb7997ff6', key: new Uint8Array(32).fill(9) },
  }),
}

const rate = (fn) => measureRate(fn, BATCH_MS)

console.log(`node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}`)
console.log(`item: ${Object.keys(record).length} attributes, ${bytes} bytes of JSON; ${ROUNDS} rounds x ${BATCH_MS} ms`)
console.log('| keyring | suite | operation | items/s (median) |')
console.log('| --- | --- | --- | --- |')
for (const [name, keyring] of Object.entries(keyrings)) {
  for (const algorithmSuiteId of [0x6701, 0x6700]) {
    const enc = new ItemEncryptor({ ...config, keyring, algorithmSuiteId })
    const sealed = await enc.encryptItem(item) // also warms the hierarchical keyring's cache
    await enc.decryptItem(sealed)
    const e = []
    const d = []
    for (let r = 0; r < ROUNDS; r++) {
      e.push(await rate(() => enc.encryptItem(item)))
      d.push(await rate(() => enc.decryptItem(sealed)))
    }
    const id = `0x${algorithmSuiteId.toString(16)}`
    console.log(`| ${name} | ${id} | encrypt | ${median(e).toFixed(0)} |`)
    console.log(`| ${name} | ${id} | decrypt | ${median(d).toFixed(0)} |`)
  }
}
