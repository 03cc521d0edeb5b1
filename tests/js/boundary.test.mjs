// The wasm boundary: every exported function and constructor of the npm package's Node entry and
// of the `sealkit/lite` entry, and the methods of the objects they make, called with garbage —
// wrong types, undefined, null, huge and fake lengths, detached ArrayBuffers, random bytes, odd
// option values. Only SealkitError or TypeError may come out (never a wasm RuntimeError such as
// `unreachable`, never another error type), nothing may hang, and the module keeps working:
// a round trip succeeds afterwards.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { nodeEntry, loadLite, VECTORS } from './pkg.mjs'

const keys = JSON.parse(readFileSync(`${VECTORS}/keys.json`, 'utf8')).keys
const RSA_PRIVATE = keys['rsa-4096-private'].material
const RSA_PUBLIC = keys['rsa-4096-public'].material

/** A view whose ArrayBuffer has been transferred away (its length is now 0). */
function detached() {
  const buffer = new ArrayBuffer(64)
  const view = new Uint8Array(buffer)
  structuredClone(buffer, { transfer: [buffer] })
  return view
}

function random(n, seed) {
  let x = seed
  return new Uint8Array(n).map(() => ((x = (x * 1103515245 + 12345) >>> 0), x >>> 24))
}

const garbage = () => [
  ['undefined', undefined],
  ['null', null],
  ['0', 0],
  ['-1', -1],
  ['NaN', NaN],
  ['2^53', 2 ** 53],
  ['1e300', 1e300],
  ['a bigint', 10n ** 30n],
  ['true', true],
  ['an empty string', ''],
  ['a 1 MB string', 'x'.repeat(1 << 20)],
  ['a lone surrogate', '\ud800'],
  ['a symbol', Symbol('s')],
  ['a function', () => {}],
  ['an empty object', {}],
  ['an empty array', []],
  ['an array of junk', [1, 'a', null, {}]],
  ['a fake huge buffer', { length: 2 ** 40, byteLength: 2 ** 40, byteOffset: 0, buffer: new ArrayBuffer(1) }],
  ['an empty Uint8Array', new Uint8Array(0)],
  ['a detached view', detached()],
  ['a detached ArrayBuffer', detached().buffer],
  ['random bytes', random(333, 7)],
  ['random bytes starting like a v2 message', Uint8Array.of(2, 0x05, 0x78, ...random(200, 9))],
  ['8 MiB of zeros', new Uint8Array(8 << 20)],
  ['a Float64Array', new Float64Array(4)],
  ['a DataView', new DataView(new ArrayBuffer(8))],
  ['a Promise', Promise.resolve(1)],
  ['a Map', new Map([['a', 1]])],
  ['an object with odd options', { frameLength: 2 ** 32, suiteId: 0x0579, maxEncryptedDataKeys: 0, maxHeaderLength: -5, encryptionContext: { a: 1 }, signedMessages: 'sometimes', commitmentPolicy: 'NONE', limits: { maxDepth: 99 } }],
  ['a Proxy that throws', new Proxy({}, { get() { throw new TypeError('proxy says no') } })],
]

/** Runs `fn`; its outcome (return, throw, resolve, reject) must be allowed. Returns the error. */
async function outcome(fn, what, entry) {
  let err
  try {
    let r = fn()
    if (r && typeof r.then === 'function') {
      r = await Promise.race([r, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer within 10 s`)), 10_000).unref())])
    }
  } catch (e) {
    err = e
  }
  if (err !== undefined) {
    assert.ok(!(err instanceof WebAssembly.RuntimeError), `${entry}: ${what}: wasm trap: ${err && err.stack}`)
    assert.ok(err instanceof entry.SealkitError || err instanceof TypeError, `${entry.name}: ${what}: ${err && err.constructor && err.constructor.name}: ${err && err.stack}`)
  }
  return err
}

/** Calls `fn(args)` with garbage in each position of `valid` (and with no arguments). */
async function sweep(entry, name, fn, valid, counts) {
  await outcome(() => fn([]), `${name}()`, entry)
  counts.calls++
  for (let i = 0; i < Math.max(valid.length, 1); i++) {
    for (const [label, g] of garbage()) {
      const args = valid.slice()
      args[i] = g
      await outcome(() => fn(args), `${name} with ${label} as argument ${i + 1}`, entry)
      counts.calls++
    }
  }
  // Garbage in each field of an options argument.
  for (let i = 0; i < valid.length; i++) {
    const o = valid[i]
    if (!o || typeof o !== 'object' || ArrayBuffer.isView(o) || Array.isArray(o) || Object.getPrototypeOf(o) !== Object.prototype) continue
    for (const field of Object.keys(o)) {
      for (const [label, g] of garbage()) {
        const args = valid.slice()
        args[i] = { ...o, [field]: g }
        await outcome(() => fn(args), `${name} with ${label} as ${field}`, entry)
        counts.calls++
      }
    }
  }
}

async function roundTrip(api) {
  const kr = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32).fill(3) })
  const { encrypt, decrypt } = api.buildClient()
  const { result } = await encrypt(kr, 'still working', { encryptionContext: { a: 'b' } })
  assert.equal(new TextDecoder().decode((await decrypt(kr, result)).plaintext), 'still working')
}

async function exercise(api, entryName) {
  const entry = { name: entryName, SealkitError: api.SealkitError, toString: () => entryName }
  const counts = { calls: 0 }
  const aesOpts = { keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32).fill(3) }
  const kr = new api.RawAesKeyring(aesOpts)
  const client = api.buildClient({ commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT' })
  const { result: message } = await client.encrypt(kr, 'hello', { frameLength: 16 })

  // Every export is covered: constructors and functions here, constants checked for shape.
  const covered = new Set(['SealkitError', 'CommitmentPolicy', 'AlgorithmSuiteIdentifier', 'CryptoAction', 'default', 'Keyring', 'KmsClient'])
  const ctor = (name, valid) => {
    covered.add(name)
    return api[name] ? sweep(entry, `new ${name}`, (a) => new api[name](...a), valid, counts) : undefined
  }
  const fn = (name, valid) => {
    covered.add(name)
    return api[name] ? sweep(entry, name, (a) => api[name](...a), valid, counts) : undefined
  }
  await ctor('RawAesKeyring', [aesOpts])
  await ctor('RawRsaKeyring', [{ keyNamespace: 'ns', keyName: 'r', publicKey: RSA_PUBLIC, privateKey: RSA_PRIVATE, padding: 'oaep-sha256' }])
  await ctor('MultiKeyring', [{ generator: kr, children: [kr] }])
  await fn('buildClient', [{ commitmentPolicy: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT', maxEncryptedDataKeys: 3 }])
  await fn('marshall', [{ a: 1, b: 'x', c: new Uint8Array(2), d: [null], e: new Set(['s']) }])
  await fn('unmarshall', [{ a: { N: '1' }, b: { S: 'x' }, c: { L: [{ NULL: true }] } }])
  await ctor('LocalKms', [])
  await ctor('HttpKmsProvider', [{ endpoint: 'http://127.0.0.1:9/', region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } }])
  let kms
  try {
    kms = api.LocalKms && new api.LocalKms().client()
  } catch {
    kms = undefined
  }
  const kmsProvider = kms || { generateDataKey() {}, encrypt() {}, decrypt() {}, getPublicKey() {} }
  const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'
  await ctor('AwsKmsKeyring', [{ provider: kmsProvider, generatorKeyId: keyArn, keyIds: [keyArn] }])
  await ctor('AwsKmsMrkAwareKeyring', [{ provider: kmsProvider, keyId: keyArn }])
  await ctor('AwsKmsDiscoveryKeyring', [{ provider: kmsProvider, discoveryFilter: { accountIds: ['111122223333'], partition: 'aws' } }])
  await ctor('AwsKmsMrkDiscoveryKeyring', [{ provider: kmsProvider, region: 'us-east-1' }])
  await ctor('AwsKmsRsaKeyring', [{ keyId: keyArn, publicKey: RSA_PUBLIC, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' }])
  await ctor('KmsBranchKeyStore', [{ provider: kmsProvider, kmsKeyId: keyArn, logicalKeyStoreName: 'store' }])
  await ctor('HierarchicalKeyring', [{ branchKeyId: 'b', branchKey: { version: 'v1', key: new Uint8Array(32) } }])
  await ctor('LocalCryptoMaterialsCache', [10])
  let cache
  try {
    cache = api.LocalCryptoMaterialsCache && new api.LocalCryptoMaterialsCache(10)
  } catch (e) {
    assert.ok(e instanceof api.SealkitError, `${entryName}: LocalCryptoMaterialsCache: ${e}`)
  }
  await ctor('CachingMaterialsManager', [{ keyring: kr, cache, maxAge: 60_000, maxMessagesEncrypted: 10, maxBytesEncrypted: 1 << 20, partition: 'p' }])
  const itemOpts = { tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', s: 'ENCRYPT_AND_SIGN' }, keyring: kr, algorithmSuiteId: 0x6700, limits: { maxAttributes: 10 } }
  await ctor('ItemEncryptor', [itemOpts])

  // Methods of the objects the entry makes.
  const m = (obj, objName, method, valid) => sweep(entry, `${objName}.${method}`, (a) => obj[method](...a), valid, counts)
  await m(client, 'client', 'encrypt', [kr, 'hello', { encryptionContext: { a: 'b' }, suiteId: 0x0478, frameLength: 4096 }])
  await m(client, 'client', 'decrypt', [kr, message, { encryptionContext: {}, signedMessages: 'refuse', maxHeaderLength: 1024 }])
  const streamed = async (make, input) => {
    const s = make()
    const w = s.writable.getWriter()
    const r = s.readable.getReader()
    const drain = (async () => {
      for (let x = await r.read(); !x.done; x = await r.read());
    })()
    drain.catch(() => {}) // the same failure surfaces from write or close
    await w.write(input)
    await w.close()
    await drain
  }
  await sweep(entry, 'client.encryptStream', (a) => client.encryptStream(...a), [kr, { frameLength: 4096 }], counts)
  await sweep(entry, 'client.decryptStream', (a) => client.decryptStream(...a), [kr, { maxHeaderLength: 4096 }], counts)
  await sweep(entry, 'encryptStream chunk', ([chunk]) => streamed(() => client.encryptStream(kr), chunk), ['data'], counts)
  await sweep(entry, 'decryptStream chunk', ([chunk]) => streamed(() => client.decryptStream(kr), chunk), [message], counts)
  if (kms) {
    for (const method of ['createKey', 'createAlias', 'generateDataKey', 'encrypt', 'decrypt', 'describeKey', 'getPublicKey', 'rotateKeyOnDemand']) {
      if (typeof kms[method] === 'function') await m(kms, 'kms', method, [{ KeyId: keyArn, Plaintext: new Uint8Array(3), KeySpec: 'AES_256' }])
    }
    const local = new api.LocalKms()
    await m(local, 'localKms', 'client', [{ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' }])
    await m(local, 'localKms', 'exportState', [new Uint8Array(32)])
    await sweep(entry, 'LocalKms.importState', (a) => api.LocalKms.importState(...a), [local.exportState(new Uint8Array(32)), new Uint8Array(32)], counts)
  }
  let items
  try {
    items = api.ItemEncryptor && new api.ItemEncryptor(itemOpts)
  } catch (e) {
    assert.ok(e instanceof api.SealkitError, `${entryName}: ItemEncryptor: ${e}`)
  }
  if (items) {
    const stored = await items.encryptItem({ pk: { S: 'a' }, s: { S: 'secret' } })
    await m(items, 'items', 'encryptItem', [{ pk: { S: 'a' }, s: { S: 'x' } }])
    await m(items, 'items', 'decryptItem', [stored])
  }

  const missing = Object.keys(api).filter((k) => !covered.has(k))
  assert.deepEqual(missing, [], `${entryName}: exports the boundary test does not call`)
  await roundTrip(api)
  return counts.calls
}

test('the Node entry: garbage in, only SealkitError/TypeError out, still working', async () => {
  const calls = await exercise(nodeEntry, 'node')
  console.log(`boundary node entry: ${calls} calls`)
})

test('the lite entry: garbage in, only SealkitError/TypeError out, still working', async () => {
  const calls = await exercise(await loadLite(), 'lite')
  console.log(`boundary lite entry: ${calls} calls`)
})

test('the sealkit/kms and sealkit/items entries: garbage in, only SealkitError/TypeError out, still working', async () => {
  for (const [name, options] of [['kms', { kms: true }], ['items', { items: true }]]) {
    const calls = await exercise(await loadLite(options), name)
    console.log(`boundary ${name} entry: ${calls} calls`)
  }
})
