// The `sealkit/kms` entry (js/index.kms.browser.mjs) with its own small module
// (sealkit_kms_bg.wasm: the lite module plus the KMS providers and keyrings), wired as in the
// browser and run in Node, whose crypto.subtle is WebCrypto: HttpKmsProvider (fetch + SigV4)
// against sealkit-key-server on 127.0.0.1, provider objects, every KMS keyring kind, streams and
// errors, with the Node entry (full module) decrypting what it encrypts and the other way round.
// SEALKIT_KEY_SERVER: the sealkit-key-server binary (scripts/test-js.sh builds it).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { webcrypto } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { nodeEntry as full, loadLite, pipeChunks, PKG_DIR } from './pkg.mjs'
import { startKeyServer } from './key-server.mjs'

const SERVER = process.env.SEALKIT_KEY_SERVER
const AKID = 'AKIDKMSENTRY'
const SECRET = 'kms-entry-secret'
const REGION = 'us-east-1'
const credentials = { accessKeyId: AKID, secretAccessKey: SECRET }
const skip = !SERVER || !existsSync(SERVER) ? 'SEALKIT_KEY_SERVER not set' : false
const text = (u8) => new TextDecoder().decode(u8)

const kms = await loadLite({ kms: true })
let server, keyArn, mrkArn

before(async () => {
  if (skip) return
  server = await startKeyServer({ binary: SERVER, accessKeyId: AKID, secretAccessKey: SECRET })
  const admin = new full.HttpKmsProvider({ endpoint: server.url, region: REGION, credentials })
  keyArn = (await admin.createKey({ Description: 'sealkit/kms entry' })).KeyMetadata.Arn
  mrkArn = (await admin.createKey({ Description: 'sealkit/kms entry, multi-region', MultiRegion: true })).KeyMetadata.Arn
})
after(() => server && server.stop())

/** The same provider in both modules. */
const providers = () => [new kms.HttpKmsProvider({ endpoint: server.url, region: REGION, credentials }), new full.HttpKmsProvider({ endpoint: server.url, region: REGION, credentials })]

async function rejectsCode(p, code, re) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof kms.SealkitError, `not a SealkitError: ${e && e.stack}`)
    assert.equal(e.code, code, e.message)
    if (re) assert.match(e.message, re)
    return true
  })
}

test('sealkit/kms: AwsKmsKeyring over HttpKmsProvider, every suite, both directions with the full module', { skip }, async () => {
  const [mine, theirs] = providers()
  const k = new kms.AwsKmsKeyring({ provider: mine, generatorKeyId: keyArn })
  const f = new full.AwsKmsKeyring({ provider: theirs, generatorKeyId: keyArn })
  const suites = Object.values(kms.AlgorithmSuiteIdentifier).filter((s) => typeof s === 'number')
  let n = 0
  for (const suiteId of suites) {
    // AES-192 suites are not in the small modules (as in sealkit/lite)
    if ([0x0046, 0x0146, 0x0346].includes(suiteId)) continue
    const policy = suiteId >= 0x0478 ? undefined : { commitmentPolicy: kms.CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT }
    const ec = suiteId === 0x0014 || suiteId === 0x0078 ? {} : { suite: suiteId.toString(16) }
    const pt = `kms entry 0x${suiteId.toString(16)}`
    const mineClient = kms.buildClient(policy)
    const fullClient = full.buildClient(policy)
    const a = await mineClient.encrypt(k, pt, { suiteId, encryptionContext: ec })
    assert.equal(text((await fullClient.decrypt(f, a.result)).plaintext), pt)
    assert.equal(text((await mineClient.decrypt(k, a.result)).plaintext), pt)
    const b = await fullClient.encrypt(f, pt, { suiteId, encryptionContext: ec })
    assert.equal(text((await mineClient.decrypt(k, b.result)).plaintext), pt)
    n++
  }
  assert.ok(n >= 8, `only ${n} suites ran`)
  console.log(`kms entry: ok ${n} suites, sealkit/kms ⇄ full module through the key server`)
})

test('sealkit/kms: streams, MRK-aware, discovery (with a filter) and MRK discovery keyrings', { skip }, async () => {
  const [mine, theirs] = providers()
  const client = kms.buildClient()
  const big = new Uint8Array(200_000).map((_, i) => (i * 7) & 0xff)
  const k = new kms.AwsKmsKeyring({ provider: mine, generatorKeyId: keyArn })
  const streamed = await pipeChunks(client.encryptStream(k, { encryptionContext: { via: 'stream' } }), big)
  assert.deepEqual(await pipeChunks(client.decryptStream(k), streamed), big)
  assert.deepEqual((await full.buildClient().decrypt(new full.AwsKmsKeyring({ provider: theirs, keyIds: [keyArn] }), streamed)).plaintext, big)

  const mrk = new kms.AwsKmsMrkAwareKeyring({ provider: mine, keyId: mrkArn })
  const m = await client.encrypt(mrk, 'multi-region')
  assert.equal(text((await full.buildClient().decrypt(new full.AwsKmsMrkAwareKeyring({ provider: theirs, keyId: mrkArn }), m.result)).plaintext), 'multi-region')
  assert.equal(text((await client.decrypt(new kms.AwsKmsMrkDiscoveryKeyring({ provider: mine, region: REGION }), m.result)).plaintext), 'multi-region')

  const account = keyArn.split(':')[4]
  const disco = new kms.AwsKmsDiscoveryKeyring({ provider: mine, discoveryFilter: { partition: 'aws', accounts: [account] } })
  assert.equal(text((await client.decrypt(disco, m.result)).plaintext), 'multi-region')
  const elsewhere = new kms.AwsKmsDiscoveryKeyring({ provider: mine, discoveryFilter: { partition: 'aws', accounts: ['999999999999'] } })
  await rejectsCode(client.decrypt(elsewhere, m.result), 'ERR_NO_DECRYPTING_KEYRING')
  // a multi-keyring of a KMS keyring and a raw AES keyring: either decrypts
  const aes = new kms.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32).fill(3) })
  const multi = new kms.MultiKeyring({ generator: k, children: [aes] })
  const mm = await client.encrypt(multi, 'both')
  assert.equal(text((await client.decrypt(aes, mm.result)).plaintext), 'both')
  assert.equal(text((await full.buildClient().decrypt(new full.AwsKmsKeyring({ provider: theirs, keyIds: [keyArn] }), mm.result)).plaintext), 'both')
})

test('sealkit/kms: a JS provider object and credentials from a function; KMS errors are named', { skip }, async () => {
  const [mine] = providers()
  const client = kms.buildClient()
  // calls counted on their way to the key server
  const calls = []
  const counted = {
    generateDataKey: (r) => (calls.push('GenerateDataKey'), mine.generateDataKey(r)),
    encrypt: (r) => (calls.push('Encrypt'), mine.encrypt(r)),
    decrypt: (r) => (calls.push('Decrypt'), mine.decrypt(r)),
  }
  const viaObject = new kms.AwsKmsKeyring({ provider: counted, generatorKeyId: keyArn })
  const { result } = await client.encrypt(viaObject, 'via an object')
  assert.equal(text((await client.decrypt(viaObject, result)).plaintext), 'via an object')
  assert.deepEqual(calls, ['GenerateDataKey', 'Decrypt'])

  let asked = 0
  const refreshing = new kms.HttpKmsProvider({ endpoint: server.url, region: REGION, credentials: async () => (asked++, { ...credentials, expiration: new Date(Date.now() + 3_600_000) }) })
  const r = new kms.AwsKmsKeyring({ provider: refreshing, generatorKeyId: keyArn })
  assert.equal(text((await client.decrypt(r, (await client.encrypt(r, 'refreshed')).result)).plaintext), 'refreshed')
  assert.equal(asked, 1)

  const wrong = new kms.HttpKmsProvider({ endpoint: server.url, region: REGION, credentials: { accessKeyId: AKID, secretAccessKey: 'wrong' }, maxAttempts: 1 })
  await rejectsCode(client.encrypt(new kms.AwsKmsKeyring({ provider: wrong, generatorKeyId: keyArn }), 'x'), 'ERR_KMS', /Signature|Unrecognized|Invalid|Denied/i)
  await rejectsCode(wrong.send('ListKeys', {}), 'ERR_KMS', /KMS error \w+/)
  const dead = new kms.HttpKmsProvider({ endpoint: 'http://127.0.0.1:9/', region: REGION, credentials, maxAttempts: 1 })
  await rejectsCode(dead.send('ListKeys', {}), 'ERR_KMS', /TransportError/)
  // wrong argument types are TypeErrors or named errors, never a wasm trap
  assert.throws(() => new kms.AwsKmsKeyring({ provider: {}, generatorKeyId: keyArn }), (e) => e instanceof kms.SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
  assert.throws(() => new kms.AwsKmsKeyring({ provider: mine }), (e) => e instanceof kms.SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
  assert.throws(() => new kms.HttpKmsProvider({ region: 7 }), (e) => e instanceof kms.SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
})

test('sealkit/kms: AwsKmsRsaKeyring encrypts offline (WebCrypto RSA-OAEP) and decrypts through HttpKmsProvider or a provider object, both ways with the full module', { skip }, async () => {
  const [mine, theirs] = providers()
  const derToPem = (der) => `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`
  const { KeyMetadata } = await theirs.createKey({ KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' })
  const publicKey = derToPem((await mine.getPublicKey({ KeyId: KeyMetadata.Arn })).PublicKey)
  const keyId = KeyMetadata.Arn
  for (const encryptionAlgorithm of ['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1']) {
    const both = new kms.AwsKmsRsaKeyring({ keyId, publicKey, provider: mine, encryptionAlgorithm })
    const fullBoth = new full.AwsKmsRsaKeyring({ keyId, publicKey, provider: theirs, encryptionAlgorithm })
    const a = (await kms.buildClient().encrypt(both, `rsa ${encryptionAlgorithm}`, { suiteId: 0x0478, encryptionContext: { alg: encryptionAlgorithm } })).result
    assert.equal(text((await kms.buildClient().decrypt(both, a)).plaintext), `rsa ${encryptionAlgorithm}`)
    assert.equal(text((await full.buildClient().decrypt(fullBoth, a)).plaintext), `rsa ${encryptionAlgorithm}`)
    const b = (await full.buildClient().encrypt(fullBoth, 'from full', { suiteId: 0x0478 })).result
    const viaObject = new kms.AwsKmsRsaKeyring({ keyId, provider: { decrypt: (r) => mine.decrypt(r) }, encryptionAlgorithm })
    assert.equal(text((await kms.buildClient().decrypt(viaObject, b)).plaintext), 'from full')
  }
  // signed suites are refused (the spec's rule: no signing with this keyring), by name
  const offline = new kms.AwsKmsRsaKeyring({ keyId, publicKey })
  await assert.rejects(kms.buildClient().encrypt(offline, 'x', { suiteId: 0x0578 }), (e) => e instanceof kms.SealkitError && /signing suite 0x0578/.test(e.message))
  // a decrypt-only keyring has nothing to encrypt with
  await assert.rejects(kms.buildClient().encrypt(new kms.AwsKmsRsaKeyring({ keyId, provider: mine }), 'x', { suiteId: 0x0478 }), (e) => e instanceof kms.SealkitError && /no public key/.test(e.message))
})

test('sealkit/kms: what its module leaves out throws ERR_INVALID_ARGUMENT naming the entry; offline RSA works', async () => {
  const out = (f) => assert.throws(f, (e) => e instanceof kms.SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && /not included in 'sealkit\/kms'/.test(e.message) && /'sealkit'/.test(e.message))
  out(() => new kms.LocalKms())
  out(() => kms.LocalKms.importState(new Uint8Array(1), new Uint8Array(32)))
  out(() => new kms.KmsBranchKeyStore({ kmsKeyId: 'k', logicalKeyStoreName: 'n', provider: {} }))
  out(() => new kms.CachingMaterialsManager({}))
  out(() => new kms.LocalCryptoMaterialsCache(4))
  out(() => new kms.ItemEncryptor({}))
  out(() => kms.marshall({}))
  // offline encrypt with a downloaded public key (WebCrypto RSA-OAEP); the full module decrypts through KMS
  const local = new full.LocalKms()
  const c = local.client({ region: REGION })
  const { KeyMetadata } = await c.send('CreateKey', { KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })
  const der = (await c.getPublicKey({ KeyId: KeyMetadata.Arn })).PublicKey
  const publicKey = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`
  const { result } = await kms.buildClient().encrypt(new kms.AwsKmsRsaKeyring({ keyId: KeyMetadata.Arn, publicKey }), 'offline', { suiteId: 0x0478 })
  assert.equal(text((await full.buildClient().decrypt(new full.AwsKmsRsaKeyring({ keyId: KeyMetadata.Arn, provider: c }), result)).plaintext), 'offline')
})

test('sealkit/kms is the lite module plus KMS: no ECDSA, RSA, local KMS or items, no synchronous one-shot calls', async () => {
  const glue = await import(pathToFileURL(PKG_DIR + '/sealkit_kms_web.js').href)
  for (const present of ['WasmKmsProvider', 'kmsKeyring', 'kmsMrkAwareKeyring', 'kmsDiscoveryKeyring', 'kmsMrkDiscoveryKeyring', 'kmsRsaKeyring', 'kmsRsaKeyringWithProvider', 'encryptMachine', 'decryptMachine']) assert.equal(typeof glue[present], 'function', present)
  for (const absent of ['encryptAsync', 'WasmEncryptor', 'WasmLocalKms', 'WasmItemEncryptor', 'WasmKmsBranchKeyStore', 'WasmMaterialsCache']) assert.equal(glue[absent], undefined, absent)
  const size = (n) => readFileSync(`${PKG_DIR}/${n}_bg.wasm`).length
  assert.ok(size('sealkit_kms') < size('sealkit') / 2, `sealkit_kms_bg.wasm ${size('sealkit_kms')} B, full ${size('sealkit')} B`)
  // the entry loads the module through js/kms.browser.mjs, whose kmsExtend this test's loader uses
  assert.match(readFileSync(PKG_DIR + '/index.kms.browser.mjs', 'utf8'), /import \{ loadKms \} from '\.\/kms\.browser\.mjs'/)
  assert.match(readFileSync(PKG_DIR + '/kms.browser.mjs', 'utf8'), /createApi\(glue, \{ extend: kmsExtend, driver \}\)/)
  void webcrypto
})
