// Key-service calls and their cost with and without CachingMaterialsManager, and with the
// hierarchical keyring for comparison, for messages and for records (ItemEncryptor), counted at
// the embedded LocalKms (its audit log); then encrypts/s with a warm cache against the local
// KMS and against sealkit-key-server over HTTP (HttpKmsProvider, SigV4). Calls are measured on
// N operations and extrapolated to 1 M a day: linearly for the keyring and the caching manager
// (one call per maxMessagesEncrypted messages, as long as that many arrive within maxAge), and
// for the hierarchical keyring by time, since it calls once per branch key per 10-minute cache
// TTL whatever the volume (144 a day). Cost at AWS KMS's $0.03 per 10,000 requests.
// No timing assertions anywhere.
// Run: scripts/build-wasm.sh && (cd bench && npm run bench:caching)
// Env: BENCH_N (operations per count, default 10000), BENCH_ROUNDS (7), BENCH_MS (250),
//      SEALKIT_KEY_SERVER (binary; otherwise cargo builds it).
import { cpus } from 'node:os'
import { existsSync } from 'node:fs'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { rate as measureRate, median } from './measure.mjs'
import { startKeyServer } from './key-server.mjs'

const pkg = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
if (!existsSync(`${pkg}/index.node.mjs`)) throw new Error(`${pkg} missing: run scripts/build-wasm.sh`)
const s = await import(pathToFileURL(`${pkg}/index.node.mjs`).href)
const { buildClient, LocalKms, HttpKmsProvider, AwsKmsKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall } = s

const N = Number(process.env.BENCH_N || 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS || 7)
const BATCH_MS = Number(process.env.BENCH_MS || 250)
const MAX_MESSAGES = 1000
const SUITE = 0x0478 // committing, unsigned: a host-held (node:crypto) signing key is not cached
const PRICE = 0.03 / 10_000
const { encrypt } = buildClient()

const kms = new LocalKms()
const provider = kms.client({ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' })
const keyArn = (await provider.createKey({})).KeyMetadata.Arn
const calls = () => kms.auditLog().length
const kmsKeyring = new AwsKmsKeyring({ provider, generatorKeyId: keyArn })
const cachingOver = (keyring) => new CachingMaterialsManager({ keyring, cache: new LocalCryptoMaterialsCache(100), maxAge: 5 * 60 * 1000, maxMessagesEncrypted: MAX_MESSAGES })
const store = new KmsBranchKeyStore({ provider, kmsKeyId: keyArn, logicalKeyStoreName: 'bench' })
const branchKeyId = await store.createBranchKey()
const hierarchical = () => new HierarchicalKeyring({ keyStore: store, branchKeyId })

async function count(fn) {
  const before = calls()
  for (let i = 0; i < N; i++) await fn(i)
  return calls() - before
}

const record = (i) => marshall({ id: `user-${i}`, secret: 'x'.repeat(100), meta: 'y'.repeat(40) })
const items = (keyring) => new ItemEncryptor({ tableName: 'users', partitionKey: 'id', attributeActions: { id: CryptoAction.SIGN_ONLY, secret: CryptoAction.ENCRYPT_AND_SIGN, meta: CryptoAction.SIGN_ONLY }, keyring, algorithmSuiteId: 0x6700 })

const rows = []
const row = (what, source, n, perDay) => rows.push({ what, source, n, perDay })
const HIERARCHICAL_PER_DAY = 24 * 6 // one branch key Decrypt per 10-minute TTL
row('messages', 'AWS KMS keyring', await count((i) => encrypt(kmsKeyring, `m${i}`, { suiteId: SUITE })))
const cached = cachingOver(kmsKeyring)
row('messages', `caching manager (maxMessagesEncrypted ${MAX_MESSAGES})`, await count((i) => encrypt(cached, `m${i}`, { suiteId: SUITE })))
const hier = hierarchical()
row('messages', 'hierarchical keyring (branch key cache 10 min)', await count((i) => encrypt(hier, `m${i}`, { suiteId: SUITE })), HIERARCHICAL_PER_DAY)
const kmsItems = items(kmsKeyring)
row('records', 'AWS KMS keyring', await count((i) => kmsItems.encryptItem(record(i))))
const cachedItems = items(cachingOver(kmsKeyring))
row('records', 'caching manager (uses its keyring for records)', await count((i) => cachedItems.encryptItem(record(i))))
const hierItems = items(hierarchical())
row('records', 'hierarchical keyring (branch key cache 10 min)', await count((i) => hierItems.encryptItem(record(i))), HIERARCHICAL_PER_DAY)

console.log(`node ${process.version}, ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}; N = ${N} per row`)
console.log('| what | materials | calls for N (measured) | calls per 1 M a day (extrapolated) | cost per 1 M at $0.03/10k |')
console.log('| --- | --- | --- | --- | --- |')
for (const { what, source, n, perDay } of rows) {
  const perMillion = perDay ?? Math.round((n * 1_000_000) / N)
  console.log(`| ${what} | ${source} | ${n.toLocaleString('en-US')} | ${perMillion.toLocaleString('en-US')} | $${(perMillion * PRICE).toFixed(4)} |`)
}

// encrypts/s with a warm cache: local KMS, and the key server over HTTP
const server = await startKeyServer({ accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' })
try {
  const http = new HttpKmsProvider({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' } })
  const httpArn = (await http.createKey({})).KeyMetadata.Arn
  const httpKeyring = new AwsKmsKeyring({ provider: http, generatorKeyId: httpArn })
  const sources = {
    'local KMS, no cache': kmsKeyring,
    'local KMS, warm cache': cachingOver(kmsKeyring),
    'key server over HTTP, no cache': httpKeyring,
    'key server over HTTP, warm cache': cachingOver(httpKeyring),
  }
  const pt = new Uint8Array(1024)
  console.log(`\n1 KiB messages, suite 0x0478; ${ROUNDS} rounds x ${BATCH_MS} ms`)
  console.log('| materials | encrypts/s (median) |')
  console.log('| --- | --- |')
  for (const [name, src] of Object.entries(sources)) {
    await encrypt(src, pt, { suiteId: SUITE }) // warms the cache
    const r = []
    for (let i = 0; i < ROUNDS; i++) r.push(await measureRate(() => encrypt(src, pt, { suiteId: SUITE }), BATCH_MS))
    console.log(`| ${name} | ${median(r).toFixed(0)} |`)
  }
} finally {
  server.stop()
}
