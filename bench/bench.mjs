// sealkit (the built package in ../pkg, run scripts/build-wasm.sh first) vs the official
// @aws-crypto/client-node 5.x, in one Node process: same raw AES-256 key, encryption context,
// sizes and frame length (4096); rounds interleave the two; medians of per-round rates.
// Env: BENCH_ROUNDS (default 7), BENCH_MS (time per batch, default 250).
import { createRequire } from 'node:module'
import { cpus } from 'node:os'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { rate as measureRate, median } from './measure.mjs'

const require = createRequire(import.meta.url)
const esdk = require('@aws-crypto/client-node')
const pkg = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
if (!existsSync(`${pkg}/index.node.mjs`)) throw new Error(`${pkg} missing: run scripts/build-wasm.sh`)
const sealkit = await import(pathToFileURL(`${pkg}/index.node.mjs`).href)

const ROUNDS = Number(process.env.BENCH_ROUNDS || 7)
const BATCH_MS = Number(process.env.BENCH_MS || 250)
const key = new Uint8Array(32).map((_, i) => i * 7 + 1)
const ec = { purpose: 'bench', tenant: 'acme' }
const ours = new sealkit.RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: key })
const theirs = new esdk.RawAesKeyringNode({
  keyNamespace: 'bench',
  keyName: 'aes-256',
  unencryptedMasterKey: key.slice(),
  wrappingSuite: esdk.RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
})
const ourClient = sealkit.buildClient({ commitmentPolicy: 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT' })
const theirClient = esdk.buildClient(esdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)

const rate = (fn) => measureRate(fn, BATCH_MS)

const rows = []
for (const size of [1024, 1024 * 1024]) {
  const pt = new Uint8Array(size).map((_, i) => i & 0xff)
  for (const suiteId of [0x0478, 0x0578]) {
    const ct = (await theirClient.encrypt(theirs, pt, { suiteId, encryptionContext: ec })).result
    const check = await ourClient.decrypt(ours, ct)
    if (check.plaintext.length !== size) throw new Error('setup: decrypt mismatch')
    rows.push({
      size, suiteId, op: 'encrypt',
      s: () => ourClient.encrypt(ours, pt, { suiteId, encryptionContext: ec }),
      e: () => theirClient.encrypt(theirs, pt, { suiteId, encryptionContext: ec }),
    })
    rows.push({ size, suiteId, op: 'decrypt', s: () => ourClient.decrypt(ours, ct), e: () => theirClient.decrypt(theirs, ct) })
  }
}

for (const r of rows) {
  await r.s()
  await r.e() // warm-up
  r.sr = []
  r.er = []
}
for (let round = 0; round < ROUNDS; round++) {
  for (const r of rows) {
    if (round % 2 === 0) {
      r.sr.push(await rate(r.s))
      r.er.push(await rate(r.e))
    } else {
      r.er.push(await rate(r.e))
      r.sr.push(await rate(r.s))
    }
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS}\n`)
}

const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1))
const mb = (ops, size) => ((ops * size) / 1e6).toFixed(1)
console.log(`node ${process.version}, ${cpus().length} CPUs (${cpus()[0] && cpus()[0].model}), ${ROUNDS} rounds × ${BATCH_MS} ms, medians`)
console.log('')
console.log('| size | suite | op | sealkit ops/s | sealkit MB/s | ESDK ops/s | ESDK MB/s | sealkit/ESDK |')
console.log('|---|---|---|---:|---:|---:|---:|---:|')
for (const r of rows) {
  const s = median(r.sr)
  const e = median(r.er)
  const size = r.size === 1024 ? '1 KiB' : '1 MiB'
  console.log(`| ${size} | 0x${r.suiteId.toString(16).padStart(4, '0')} | ${r.op} | ${fmt(s)} | ${mb(s, r.size)} | ${fmt(e)} | ${mb(e, r.size)} | ${(s / e).toFixed(2)} |`)
}
