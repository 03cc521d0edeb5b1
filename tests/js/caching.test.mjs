// CachingMaterialsManager, with the calls counted at real servers on 127.0.0.1: sealkit-key-server
// over HTTP (HttpKmsProvider, SigV4) and moto, each behind a counting proxy
// (tests/js/counting-proxy.mjs). 10,000 encrypts under maxMessagesEncrypted 1000 make 10
// GenerateDataKey calls, and 10,000 decrypts of them 10 Decrypt calls; 100 concurrent encrypts
// (and decrypts) on a cold cache make exactly one; maxAge expiry, the byte limit, partitions and
// contexts; decryptStream and ItemEncryptor take the manager; and every message of a 200-message
// run (10 data keys) decrypts with the official Python ESDK and @aws-crypto/client-node through
// their own KMS keyrings against moto. Servers are stopped by PID.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { sealkit } from './pkg.mjs'
import { startKeyServer } from './key-server.mjs'
import { startMoto, PYTHON } from './moto.mjs'
import { startCountingProxy } from './counting-proxy.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = join(here, '..', '..')
const require = createRequire(join(here, 'package.json'))
const { buildClient, HttpKmsProvider, AwsKmsKeyring, RawAesKeyring, MultiKeyring, ItemEncryptor, CachingMaterialsManager, LocalCryptoMaterialsCache, SealkitError } = sealkit
const ORACLE = join(root, 'tests', 'tools', 'esdk_kms_oracle.py')
const KS_CREDS = { accessKeyId: 'AKIDCACHING', secretAccessKey: 'caching-secret' }
const MOTO_CREDS = { accessKeyId: 'testing', secretAccessKey: 'testing' }
const NO_SIG = 0x0478 // committing, unsigned: the 10,000-message runs stay quick
const HOUR = 60 * 60 * 1000
const text = (b) => new TextDecoder().decode(b)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

let moto, motoUrl, keyServer, ksProxy, motoProxy
before(async () => {
  moto = await startMoto()
  motoUrl = moto.url
  keyServer = await startKeyServer({ binary: process.env.SEALKIT_KEY_SERVER, ...KS_CREDS })
  ksProxy = await startCountingProxy(keyServer.url)
  motoProxy = await startCountingProxy(motoUrl)
})
after(async () => {
  if (ksProxy) await ksProxy.stop()
  if (motoProxy) await motoProxy.stop()
  if (moto) moto.stop()
  if (keyServer) keyServer.stop()
})

const keyServerProvider = () => new HttpKmsProvider({ endpoint: ksProxy.url, region: 'us-east-1', credentials: KS_CREDS })
const motoProvider = () => new HttpKmsProvider({ endpoint: motoProxy.url, region: 'us-east-1', credentials: MOTO_CREDS })
async function kmsKeyring(provider) {
  const arn = (await provider.createKey({})).KeyMetadata.Arn
  return { arn, keyring: new AwsKmsKeyring({ provider, generatorKeyId: arn }) }
}
const caching = (keyring, o = {}) => new CachingMaterialsManager({ keyring, cache: new LocalCryptoMaterialsCache(16), maxAge: HOUR, ...o })
const client = buildClient()
const enc = async (cmm, pt, o = {}) => (await client.encrypt(cmm, pt, { suiteId: NO_SIG, ...o })).result

test('key server over HTTP: 10,000 encrypts under maxMessagesEncrypted 1000 make 10 GenerateDataKey calls; their 10,000 decrypts make 10 Decrypt calls', async () => {
  const { keyring } = await kmsKeyring(keyServerProvider())
  const cmm = caching(keyring, { maxMessagesEncrypted: 1000 })
  ksProxy.reset()
  const messages = []
  for (let i = 0; i < 10_000; i++) messages.push(await enc(cmm, `message ${i}`, { encryptionContext: { tenant: 'acme' } }))
  assert.equal(ksProxy.count('GenerateDataKey'), 10)
  // another manager, cold cache: one Decrypt per data key
  const dec = caching(keyring)
  for (const [i, m] of messages.entries()) assert.equal(text((await client.decrypt(dec, m)).plaintext), `message ${i}`)
  assert.equal(ksProxy.count('Decrypt'), 10)
  // the baseline: without the manager every message is a call
  ksProxy.reset()
  for (let i = 0; i < 20; i++) await enc(keyring, 'x')
  assert.equal(ksProxy.count('GenerateDataKey'), 20)
})

test('moto: 100 concurrent encrypts on a cold cache make exactly 1 GenerateDataKey; 100 concurrent decrypts exactly 1 Decrypt', async () => {
  const { keyring } = await kmsKeyring(motoProvider())
  const cmm = caching(keyring)
  motoProxy.reset()
  const messages = await Promise.all(Array.from({ length: 100 }, (_, i) => enc(cmm, `m${i}`, { encryptionContext: { a: 'b' } })))
  assert.equal(motoProxy.count('GenerateDataKey'), 1)
  const dec = caching(keyring)
  const out = await Promise.all(messages.map((m) => client.decrypt(dec, m)))
  out.forEach((o, i) => assert.equal(text(o.plaintext), `m${i}`))
  assert.equal(motoProxy.count('Decrypt'), 1)
})

test('a failing call: concurrent waiters get the error of the one call, not a call each', async () => {
  const provider = motoProvider()
  const missing = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000'
  const cmm = caching(new AwsKmsKeyring({ provider, generatorKeyId: missing }))
  motoProxy.reset()
  const errors = await Promise.all(Array.from({ length: 20 }, () => enc(cmm, 'x').then(() => null, (e) => e)))
  for (const e of errors) assert.ok(e instanceof SealkitError && e.code === 'ERR_KMS' && e.cause.name === 'NotFoundException', String(e))
  assert.equal(motoProxy.count('GenerateDataKey'), 1)
})

test('maxAge (milliseconds): an expired entry is not used', async () => {
  const { keyring } = await kmsKeyring(keyServerProvider())
  const cmm = caching(keyring, { maxAge: 40 })
  ksProxy.reset()
  const m = await enc(cmm, 'a')
  await client.decrypt(cmm, m)
  assert.equal(ksProxy.count('GenerateDataKey'), 1)
  assert.equal(ksProxy.count('Decrypt'), 1)
  await sleep(100) // past maxAge: both entries expired
  await enc(cmm, 'b')
  await client.decrypt(cmm, m)
  assert.equal(ksProxy.count('GenerateDataKey'), 2)
  assert.equal(ksProxy.count('Decrypt'), 2)
})

test('maxBytesEncrypted: a message larger than what is left of the budget gets fresh materials', async () => {
  const { keyring } = await kmsKeyring(keyServerProvider())
  const cmm = caching(keyring, { maxBytesEncrypted: 100 })
  ksProxy.reset()
  const bytes = (n) => new Uint8Array(n)
  await enc(cmm, bytes(60))
  await enc(cmm, bytes(30)) // 90 of 100
  assert.equal(ksProxy.count('GenerateDataKey'), 1)
  await enc(cmm, bytes(20)) // 110 > 100: a new data key
  assert.equal(ksProxy.count('GenerateDataKey'), 2)
  await enc(cmm, bytes(101)) // more than the whole budget: never cached
  await enc(cmm, bytes(101))
  assert.equal(ksProxy.count('GenerateDataKey'), 4)
  // a bigint limit above 2^53 is taken too
  caching(keyring, { maxBytesEncrypted: 2n ** 63n - 1n })
})

test('partitions and encryption contexts do not share entries', async () => {
  const { keyring } = await kmsKeyring(keyServerProvider())
  const cache = new LocalCryptoMaterialsCache(16)
  const m = (partition) => new CachingMaterialsManager({ keyring, cache, maxAge: HOUR, partition })
  ksProxy.reset()
  await enc(m('tenant-a'), 'x')
  await enc(m('tenant-a'), 'x') // another manager, same partition, same cache: shared
  assert.equal(ksProxy.count('GenerateDataKey'), 1)
  await enc(m('tenant-b'), 'x')
  await enc(m(undefined), 'x') // no partition: this manager's own
  assert.equal(ksProxy.count('GenerateDataKey'), 3)
  const a = m('tenant-a')
  await enc(a, 'x', { encryptionContext: { purpose: 'one' } })
  await enc(a, 'x', { encryptionContext: { purpose: 'two' } })
  await enc(a, 'x', { encryptionContext: { purpose: 'one' } })
  assert.equal(ksProxy.count('GenerateDataKey'), 5)
  assert.equal(cache.size, 5) // tenant-a, tenant-b, the unnamed partition; tenant-a × two contexts
  cache.clear()
  assert.equal(cache.size, 0)
})

test('decryptStream, encryptStream and ItemEncryptor take the manager', async () => {
  const { keyring } = await kmsKeyring(keyServerProvider())
  const cmm = caching(keyring)
  const messages = []
  for (let i = 0; i < 5; i++) messages.push(await enc(cmm, `s${i}`))
  const { encryptStream, decryptStream } = buildClient()
  const pipe = async (stream, input) => {
    const w = stream.writable.getWriter()
    w.write(input)
    w.close()
    const parts = []
    for await (const p of stream.readable) parts.push(p)
    return Buffer.concat(parts)
  }
  ksProxy.reset()
  for (const [i, m] of messages.entries()) assert.equal(text(await pipe(decryptStream(cmm), m)), `s${i}`)
  assert.equal(ksProxy.count('Decrypt'), 1, 'the streams share the one cached data key')
  // encryptStream: the length is unknown when materials are chosen, so never cached
  const streamed = await pipe(encryptStream(cmm), new TextEncoder().encode('streamed'))
  assert.equal(text((await client.decrypt(keyring, streamed)).plaintext), 'streamed')
  const items = new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' }, keyring: cmm })
  const stored = await items.encryptItem({ pk: { S: 'id-1' }, secret: { S: 'hush' } })
  assert.equal((await items.decryptItem(stored)).secret.S, 'hush')
})

test('signed suites: cached only where ECDSA runs in wasm (a host-held signing key cannot be copied)', async () => {
  const { keyring } = await kmsKeyring(keyServerProvider())
  const cmm = caching(keyring)
  ksProxy.reset()
  const messages = []
  for (let i = 0; i < 3; i++) messages.push((await client.encrypt(cmm, `signed ${i}`, { suiteId: 0x0578 })).result)
  // Node's default: signatures by node:crypto, so every signed message gets fresh materials;
  // SEALKIT_PURE_WASM=1: the key is the wasm's own and is reused
  assert.equal(ksProxy.count('GenerateDataKey'), process.env.SEALKIT_PURE_WASM === '1' ? 1 : 3)
  for (const [i, m] of messages.entries()) assert.equal(text((await client.decrypt(cmm, m)).plaintext), `signed ${i}`)
})

test('argument errors are ERR_INVALID_ARGUMENT, checked in Rust', async () => {
  const keyring = new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32).fill(1) })
  const cache = new LocalCryptoMaterialsCache(4)
  const bad = (o, re) => assert.throws(() => new CachingMaterialsManager({ keyring, cache, maxAge: HOUR, ...o }), (e) => e instanceof SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && re.test(e.message), JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? String(v) : v)))
  for (const maxAge of [0, -1, 1.5, NaN, Infinity, '10']) bad({ maxAge }, /maxAge/)
  bad({ maxAge: undefined }, /maxAge/)
  for (const n of [0, 2 ** 32 + 1, 0.5]) bad({ maxMessagesEncrypted: n }, /maxMessagesEncrypted/)
  for (const n of [-1, 2n ** 63n, 2 ** 60]) bad({ maxBytesEncrypted: n }, /maxBytesEncrypted/)
  bad({ cache: {} }, /cache must be a LocalCryptoMaterialsCache/)
  bad({ keyring: undefined }, /exactly one of keyring or materialsManager/)
  bad({ materialsManager: caching(keyring) }, /exactly one/)
  bad({ keyring: caching(keyring) }, /pass a CachingMaterialsManager as materialsManager/)
  bad({ partition: 7 }, /partition/)
  for (const c of [0, -1, 1.5, 2 ** 32]) assert.throws(() => new LocalCryptoMaterialsCache(c), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /capacity/.test(e.message))
  assert.throws(() => new MultiKeyring({ generator: caching(keyring) }), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /MultiKeyring member/.test(e.message))
  // a manager in front of a manager, and over a raw keyring
  const outer = new CachingMaterialsManager({ materialsManager: caching(keyring), cache, maxAge: HOUR })
  const m = await client.encrypt(outer, 'nested')
  assert.equal(text((await client.decrypt(keyring, m.result)).plaintext), 'nested')
  // disposing the keyring disposes the managers over it
  keyring.dispose()
  await assert.rejects(client.encrypt(outer, 'x'), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /disposed/.test(e.message))
})

test('every message of a cached run decrypts with the Python ESDK and @aws-crypto/client-node through their own KMS keyrings against moto', async () => {
  const { arn, keyring } = await kmsKeyring(motoProvider())
  const cmm = caching(keyring, { maxMessagesEncrypted: 20 })
  motoProxy.reset()
  const plain = Array.from({ length: 200 }, (_, i) => `interop ${i}`)
  const messages = []
  for (const p of plain) messages.push(await enc(cmm, p, { encryptionContext: { app: 'caching' } }))
  assert.equal(motoProxy.count('GenerateDataKey'), 10)
  const py = spawnSync(PYTHON, [ORACLE, 'decrypt-lines', '--endpoint', motoUrl, '--key', arn], { input: messages.map((m) => Buffer.from(m).toString('base64')).join('\n'), encoding: 'utf8', maxBuffer: 1 << 24 })
  assert.equal(py.status, 0, py.stderr)
  assert.deepEqual(py.stdout.trim().split('\n').map((l) => Buffer.from(l, 'base64').toString()), plain)

  const esdk = require('@aws-crypto/client-node')
  const { KMS } = require('@aws-sdk/client-kms')
  const kms = new KMS({ region: 'us-east-1', endpoint: motoUrl, credentials: MOTO_CREDS })
  const official = new esdk.KmsKeyringNode({ generatorKeyId: arn, clientProvider: () => kms })
  const { decrypt } = esdk.buildClient(esdk.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  for (const [i, m] of messages.entries()) {
    const { plaintext, messageHeader } = await decrypt(official, m)
    assert.equal(plaintext.toString(), plain[i])
    assert.equal(messageHeader.encryptionContext.app, 'caching')
  }
})
