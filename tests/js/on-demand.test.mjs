// The default browser entry's wiring (small module + js/full-on-demand.mjs), run in Node:
// raw-AES use never requests the full module; the classes that need it are constructed at once
// and work after it loads, mixed with raw AES keyrings, in one-shot calls, streams, KMS and
// items; their messages and items interoperate with the Node entry (a separate full instance).
// KMS keyrings over provider objects run in the small KMS module and never request the full one,
// unless something they are mixed with needs it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { nodeEntry as node, loadBrowserDefault, pipeChunks, VECTORS } from './pkg.mjs'

const keys = JSON.parse(readFileSync(`${VECTORS}/keys.json`, 'utf8')).keys
const rsaPublic = keys['rsa-4096-public'].material
const rsaPrivate = keys['rsa-4096-private'].material
const aesKey = () => new Uint8Array(32).map((_, i) => i + 1)
const text = (b) => new TextDecoder().decode(b)
const input = new Uint8Array(50000).map((_, i) => (i * 7) & 0xff)

test('raw AES use (one-shot, streams, signed default suite, marshall) never requests the full module', async () => {
  const { api, loads } = await loadBrowserDefault()
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  const multi = new api.MultiKeyring({ generator: aes, children: [new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k2', wrappingKey: aesKey().reverse() })] })
  const { encrypt, decrypt, encryptStream, decryptStream } = api.buildClient()
  for (const suiteId of [undefined, 0x0478]) {
    const { result } = await encrypt(multi, 'hello', { suiteId })
    assert.equal(text((await decrypt(aes, result)).plaintext), 'hello')
  }
  const ct = await pipeChunks(encryptStream(aes, { frameLength: 1024 }), input)
  assert.deepEqual(await pipeChunks(decryptStream(multi), ct), input)
  assert.deepEqual(api.unmarshall(api.marshall({ a: 1, b: 'x' })), { a: 1, b: 'x' })
  assert.equal(loads(), 0)
})

test('AES-192 (not in the small module): suites and 24-byte wrapping keys run in the full module, interoperating with the Node entry', async () => {
  const { api, loads } = await loadBrowserDefault()
  const policy = 'FORBID_ENCRYPT_ALLOW_DECRYPT'
  const { encrypt, decrypt, encryptStream, decryptStream } = api.buildClient(policy)
  const nodeClient = node.buildClient(policy)
  // a 256-bit key with AES-192 suites: the call goes to the full module
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  const nodeAes = new node.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  for (const suiteId of [0x0046, 0x0146, 0x0346]) {
    const { result, messageHeader } = await encrypt(aes, 'aes-192 suite', { suiteId })
    assert.equal(messageHeader.suiteId, suiteId)
    assert.equal(text((await nodeClient.decrypt(nodeAes, result)).plaintext), 'aes-192 suite')
    const back = (await nodeClient.encrypt(nodeAes, input, { suiteId, frameLength: 1000 })).result
    assert.deepEqual((await decrypt(aes, back)).plaintext, input)
    const dec = decryptStream(aes)
    assert.deepEqual(await pipeChunks(dec, back), input)
    assert.equal((await dec.messageHeader).suiteId, suiteId)
    const es = encryptStream(aes, { suiteId, frameLength: 999 })
    const streamed = await pipeChunks(es, input)
    assert.equal((await es.messageHeader).suiteId, suiteId)
    assert.deepEqual((await nodeClient.decrypt(nodeAes, streamed)).plaintext, input)
  }
  assert.equal(loads(), 1)
  // a 24-byte wrapping key: a stand-in keyring of the full module, alone and in a multi-keyring
  const key24 = new Uint8Array(24).fill(3)
  const k24 = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k24', wrappingKey: key24 })
  key24.fill(0) // the stand-in keeps its own copy
  const nodeK24 = new node.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k24', wrappingKey: new Uint8Array(24).fill(3) })
  assert.equal(k24.keyName, 'k24')
  const multi = new api.MultiKeyring({ generator: aes, children: [k24] })
  const { result } = await encrypt(multi, 'two keys', { suiteId: 0x0178 })
  assert.equal(text((await nodeClient.decrypt(nodeK24, result)).plaintext), 'two keys')
  assert.equal(text((await decrypt(k24, result)).plaintext), 'two keys')
  assert.equal(text((await decrypt(aes, result)).plaintext), 'two keys')
  k24.dispose()
  assert.equal(k24.disposed, true)
  await assert.rejects(encrypt(k24, 'x'), (e) => e instanceof api.SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && /disposed/.test(e.message))
})

test('RawRsaKeyring: constructed at once, made in the full module on first use; messages interoperate with the Node entry', async () => {
  const { api, loads } = await loadBrowserDefault()
  const rsa = new api.RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: rsaPublic, privateKey: rsaPrivate, padding: 'oaep-sha256' })
  assert.equal(rsa.keyNamespace, 'rsa')
  assert.equal(rsa.padding, 'oaep-sha256')
  assert.ok(rsa instanceof api.RawRsaKeyring)
  assert.equal(loads(), 0, 'constructing does not load the full module')
  const { encrypt, decrypt } = api.buildClient()
  const { result, messageHeader } = await encrypt(rsa, 'via rsa', { encryptionContext: { a: 'b' } })
  assert.equal(loads(), 1)
  assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'rsa')
  const nodeRsa = new node.RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: rsaPublic, privateKey: rsaPrivate, padding: 'oaep-sha256' })
  assert.equal(text((await node.buildClient().decrypt(nodeRsa, result)).plaintext), 'via rsa')
  const back = await node.buildClient().encrypt(nodeRsa, 'from node')
  assert.equal(text((await decrypt(rsa, back.result)).plaintext), 'from node')
  assert.equal(loads(), 1, 'the full module is requested once')
  rsa.dispose()
  assert.equal(rsa.disposed, true)
  await assert.rejects(encrypt(rsa, 'x'), (e) => e instanceof api.SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && /disposed/.test(e.message))
})

test('a MultiKeyring mixing raw AES and RSA: one-shot and streams; AES decrypts in the small module', async () => {
  const { api } = await loadBrowserDefault()
  const key = aesKey()
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: key })
  key.fill(0) // the caller zeroes its buffer: both modules have their own copies
  const rsa = new api.RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: rsaPublic, privateKey: rsaPrivate })
  const multi = new api.MultiKeyring({ generator: aes, children: [rsa] })
  assert.equal(multi.generator, aes)
  const { encrypt, decrypt, encryptStream, decryptStream } = api.buildClient()
  const { result, messageHeader } = await encrypt(multi, 'mixed')
  assert.deepEqual(messageHeader.encryptedDataKeys.map((k) => k.providerId), ['ns', 'rsa'])
  assert.equal(text((await decrypt(aes, result)).plaintext), 'mixed')
  assert.equal(text((await decrypt(rsa, result)).plaintext), 'mixed')
  // the Node entry's AES keyring with the same key reads it: the twin's key is the right one
  const nodeAes = new node.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  assert.equal(text((await node.buildClient().decrypt(nodeAes, result)).plaintext), 'mixed')

  const enc = encryptStream(multi, { frameLength: 999, encryptionContext: { s: 't' } })
  const ct = await pipeChunks(enc, input)
  assert.equal((await enc.messageHeader).frameLength, 999)
  const dec = decryptStream(rsa)
  assert.deepEqual(await pipeChunks(dec, ct), input)
  assert.deepEqual((await dec.encryptionContext).s, 't')
  const bad = ct.slice()
  bad[bad.length - 200] ^= 1
  await assert.rejects(pipeChunks(decryptStream(rsa), bad), (e) => e instanceof api.SealkitError && /^ERR_/.test(e.code))

  // a multi made after its raw AES member was disposed cannot be made in the full module
  const aes2 = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k2', wrappingKey: aesKey() })
  const late = new api.MultiKeyring({ generator: aes2, children: [rsa] })
  aes2.dispose()
  await assert.rejects(encrypt(late, 'x'), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /disposed/.test(e.message))
})

test('argument errors of full-module classes: JS checks at once, the key parsing named at first use', async () => {
  const { api } = await loadBrowserDefault()
  const named = (name) => (e) => e instanceof api.SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && e.message.includes(name)
  assert.throws(() => new api.RawRsaKeyring(42), named('RawRsaKeyring options'))
  assert.throws(() => new api.RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: 'not a pem' }), named('publicKey'))
  assert.throws(() => new api.RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: rsaPublic, padding: 'oaep' }), named('padding'))
  assert.throws(() => new api.AwsKmsKeyring('x'), named('AwsKmsKeyring options'))
  const pem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'
  const bad = new api.RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: pem })
  const { encrypt } = api.buildClient()
  for (let i = 0; i < 2; i++) {
    await assert.rejects(encrypt(bad, 'x'), (e) => e instanceof api.SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && /publicKey/.test(e.message))
  }
  const multi = new api.MultiKeyring({ children: [bad] })
  await assert.rejects(encrypt(multi, 'x'), (e) => e instanceof api.SealkitError && /publicKey/.test(e.message))
})

test('LocalKms, KMS keyrings, hierarchical keyring and items through the on-demand module', async () => {
  const { api, loads } = await loadBrowserDefault()
  const kms = new api.LocalKms()
  assert.deepEqual(kms.auditLog(), [], 'no call has reached it yet')
  assert.throws(() => kms.exportState(new Uint8Array(32)), (e) => e.code === 'ERR_INVALID_ARGUMENT' && /sealkit\/full/.test(e.message))
  const provider = kms.client({ region: 'us-east-1' })
  assert.equal(loads(), 0)
  const { KeyMetadata } = await provider.createKey({})
  assert.equal(loads(), 1)
  const keyring = new api.AwsKmsKeyring({ provider, generatorKeyId: KeyMetadata.Arn })
  assert.equal(keyring.generatorKeyId, KeyMetadata.Arn)
  const { encrypt, decrypt } = api.buildClient()
  const { result } = await encrypt(keyring, 'kms', { encryptionContext: { purpose: 'on-demand' } })
  assert.equal(text((await decrypt(keyring, result)).plaintext), 'kms')
  assert.ok(kms.auditLog().some((r) => r.operation === 'GenerateDataKey'), JSON.stringify(kms.auditLog()[0]))
  const state = kms.exportState(new Uint8Array(32).fill(3))
  const restored = api.LocalKms.importState(state, new Uint8Array(32).fill(3))
  const again = new api.AwsKmsKeyring({ provider: restored.client(), generatorKeyId: KeyMetadata.Arn })
  assert.equal(text((await decrypt(again, result)).plaintext), 'kms')

  const branchKey = { version: '0c4d2b1a-6f3e-4a5b-9c8d-7e6f5a4b3c2d', key: new Uint8Array(32).fill(5) }
  const hier = new api.HierarchicalKeyring({ branchKeyId: 'bk', branchKey })
  branchKey.key.fill(0) // the stand-in took a copy
  assert.equal(hier.branchKeyId, 'bk')
  const h = await encrypt(hier, 'branch')
  const nodeHier = new node.HierarchicalKeyring({ branchKeyId: 'bk', branchKey: { ...branchKey, key: new Uint8Array(32).fill(5) } })
  assert.equal(text((await node.buildClient().decrypt(nodeHier, h.result)).plaintext), 'branch')

  // streams with KMS and hierarchical keyrings (the stream is the full module's, relayed); the
  // provider object answers with promises, as a fetch-based one does
  const { encryptStream, decryptStream } = api.buildClient()
  const later = (f) => (r) => new Promise((resolve) => setTimeout(resolve, 1)).then(() => f(r))
  const slow = { generateDataKey: later((r) => provider.generateDataKey(r)), encrypt: later((r) => provider.encrypt(r)), decrypt: later((r) => provider.decrypt(r)) }
  const slowKeyring = new api.AwsKmsKeyring({ provider: slow, generatorKeyId: KeyMetadata.Arn })
  const es = encryptStream(slowKeyring, { frameLength: 1000, encryptionContext: { s: 'kms' } })
  const kmsStream = await pipeChunks(es, input)
  assert.equal((await es.messageHeader).encryptedDataKeys[0].providerId, 'aws-kms')
  assert.deepEqual(await pipeChunks(decryptStream(slowKeyring), kmsStream), input)
  assert.deepEqual((await decrypt(keyring, kmsStream)).plaintext, input)
  const hierStream = await pipeChunks(encryptStream(hier), input)
  assert.deepEqual(await pipeChunks(decryptStream(hier), hierStream), input)
  assert.deepEqual((await node.buildClient().decrypt(nodeHier, hierStream)).plaintext, input)

  const config = { tableName: 't', partitionKey: 'id', attributeActions: { id: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' } }
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  const items = new api.ItemEncryptor({ ...config, keyring: aes })
  assert.equal(items.tableName, 't')
  const stored = await items.encryptItem(api.marshall({ id: 'a', secret: 's3cret' }))
  assert.ok(stored.secret.B instanceof Uint8Array)
  const nodeItems = new node.ItemEncryptor({ ...config, keyring: new node.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() }) })
  assert.deepEqual(node.unmarshall(await nodeItems.decryptItem(stored)), { id: 'a', secret: 's3cret' })
  const fromNode = await nodeItems.encryptItem(node.marshall({ id: 'b', secret: 'node' }))
  assert.deepEqual(api.unmarshall(await items.decryptItem(fromNode)), { id: 'b', secret: 'node' })
  await assert.rejects(items.decryptItem({ id: { S: 'b' } }), (e) => e instanceof api.SealkitError && /^ERR_/.test(e.code))
  assert.equal(loads(), 1)
})

test('AwsKmsRsaKeyring: offline encrypt runs in the small module (no other module, no KMS call); with a provider, or mixed with KMS keyrings, in the KMS module', async () => {
  const { api, loads, kmsLoads } = await loadBrowserDefault()
  const kms = new node.LocalKms()
  const nodeProvider = kms.client({ region: 'us-east-1' })
  const { KeyMetadata: key } = await nodeProvider.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })
  const der = (await nodeProvider.getPublicKey({ KeyId: key.Arn })).PublicKey
  const publicKey = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64')}\n-----END PUBLIC KEY-----`
  const offline = new api.AwsKmsRsaKeyring({ keyId: key.Arn, publicKey: new TextEncoder().encode(publicKey) })
  const { encrypt, decrypt, encryptStream } = api.buildClient()
  const calls = kms.auditLog().length
  const { result } = await encrypt(offline, 'offline', { suiteId: 0x0478 })
  const streamed = await pipeChunks(encryptStream(offline, { suiteId: 0x0478, frameLength: 1000 }), input)
  assert.equal(loads() + kmsLoads(), 0, 'offline RSA encrypt fetched no other module')
  assert.equal(kms.auditLog().length, calls)
  const nodeOnline = new node.AwsKmsRsaKeyring({ keyId: key.Arn, provider: nodeProvider })
  assert.equal(text((await node.buildClient().decrypt(nodeOnline, result)).plaintext), 'offline')
  assert.deepEqual((await node.buildClient().decrypt(nodeOnline, streamed)).plaintext, input)
  // decryption needs the provider: a JS provider object (the Node entry's client) in the KMS module
  const online = new api.AwsKmsRsaKeyring({ keyId: key.Arn, provider: { decrypt: (r) => nodeProvider.decrypt(r) } })
  assert.equal(loads() + kmsLoads(), 0, 'constructed without another module')
  assert.equal(text((await decrypt(online, result)).plaintext), 'offline')
  assert.equal(kmsLoads(), 1)
  // with a LocalKms client of this entry as its provider, in the full module
  const local = new api.LocalKms()
  const localClient = local.client({ region: 'us-east-1' })
  const localRsa = (await localClient.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })).KeyMetadata.Arn
  const localPem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from((await localClient.getPublicKey({ KeyId: localRsa })).PublicKey).toString('base64')}\n-----END PUBLIC KEY-----`
  const inFull = new api.AwsKmsRsaKeyring({ keyId: localRsa, publicKey: localPem, provider: localClient })
  assert.equal(text((await decrypt(inFull, (await encrypt(inFull, 'full', { suiteId: 0x0478 })).result)).plaintext), 'full')
  assert.equal(loads(), 1)
  // mixed with a KMS keyring: the offline keyring's twin encrypts in the module of that keyring
  const aesKms = (await nodeProvider.createKey({})).KeyMetadata.Arn
  const kmsKeyring = new api.AwsKmsKeyring({ provider: { generateDataKey: (r) => nodeProvider.generateDataKey(r), decrypt: (r) => nodeProvider.decrypt(r) }, generatorKeyId: aesKms })
  const mixed = new api.MultiKeyring({ generator: kmsKeyring, children: [offline] })
  const both = (await encrypt(mixed, 'both', { suiteId: 0x0478 })).result
  assert.equal(text((await decrypt(online, both)).plaintext), 'both')
  assert.equal(text((await decrypt(kmsKeyring, both)).plaintext), 'both')
  assert.equal(kmsLoads(), 1)
  offline.dispose()
  assert.ok(offline.disposed)
  await assert.rejects(encrypt(offline, 'x', { suiteId: 0x0478 }), (e) => e.code === 'ERR_INVALID_ARGUMENT')
})

test('CachingMaterialsManager and its cache: made in the full module on first use, over a KMS keyring and over a raw AES keyring; items take it', async () => {
  const { api, loads } = await loadBrowserDefault()
  const kms = new api.LocalKms()
  const provider = kms.client({ region: 'us-east-1' })
  const cache = new api.LocalCryptoMaterialsCache(8)
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  const overAes = new api.CachingMaterialsManager({ keyring: aes, cache, maxAge: 60_000 })
  assert.equal(cache.size, 0)
  assert.equal(cache.capacity, 8)
  assert.equal(overAes.cache, cache)
  assert.equal(loads(), 0, 'constructing them loads nothing')
  const { KeyMetadata } = await provider.createKey({})
  const keyring = new api.AwsKmsKeyring({ provider, generatorKeyId: KeyMetadata.Arn })
  const cmm = new api.CachingMaterialsManager({ keyring, cache, maxAge: 60_000, maxMessagesEncrypted: 5, partition: 'p' })
  const { encrypt, decrypt } = api.buildClient()
  const messages = []
  for (let i = 0; i < 10; i++) messages.push((await encrypt(cmm, `m${i}`, { suiteId: 0x0478 })).result)
  const calls = (op) => kms.auditLog().filter((r) => r.operation === op).length
  assert.equal(calls('GenerateDataKey'), 2)
  for (const [i, m] of messages.entries()) assert.equal(text((await decrypt(cmm, m)).plaintext), `m${i}`)
  assert.equal(calls('Decrypt'), 2)
  assert.ok(cache.size > 0)
  // over the small module's raw AES keyring (its twin in the full module); Node decrypts
  const { result } = await encrypt(overAes, 'cached aes')
  const nodeAes = new node.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  assert.equal(text((await node.buildClient().decrypt(nodeAes, result)).plaintext), 'cached aes')
  const items = new api.ItemEncryptor({ tableName: 't', partitionKey: 'id', attributeActions: { id: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' }, keyring: cmm })
  assert.equal(api.unmarshall(await items.decryptItem(await items.encryptItem(api.marshall({ id: 'a', secret: 's' })))).secret, 's')
  cache.clear()
  assert.equal(cache.size, 0)
  assert.equal(loads(), 1)
})

test('without WebCrypto (insecure context) every keyring works through the full module', async () => {
  const { api, loads } = await loadBrowserDefault({ withoutWebCrypto: true })
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  assert.equal(loads(), 0)
  const { encrypt, decrypt, encryptStream, decryptStream } = api.buildClient()
  const { result, messageHeader } = await encrypt(aes, 'signed without subtle', { encryptionContext: { a: 'b' } })
  assert.equal(messageHeader.suiteId, 0x0578)
  assert.equal(loads(), 1)
  assert.equal(text((await decrypt(aes, result)).plaintext), 'signed without subtle')
  const nodeAes = new node.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  assert.equal(text((await node.buildClient().decrypt(nodeAes, result)).plaintext), 'signed without subtle')
  const multi = new api.MultiKeyring({ generator: aes, children: [new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k2', wrappingKey: aesKey().reverse() })] })
  const ct = await pipeChunks(encryptStream(multi), input)
  assert.deepEqual(await pipeChunks(decryptStream(aes), ct), input)
  aes.dispose()
  assert.equal(aes.disposed, true)
  await assert.rejects(encrypt(aes, 'x'), (e) => e instanceof api.SealkitError && /disposed/.test(e.message))
  assert.equal(loads(), 1)
})

test('KMS keyrings over a provider object run in the small KMS module; AES-192 suites, caching and full-module members take them to the full module', async () => {
  const { api, loads, kmsLoads } = await loadBrowserDefault()
  const local = new node.LocalKms()
  const nodeProvider = local.client({ region: 'us-east-1' })
  const arn = (await nodeProvider.createKey({})).KeyMetadata.Arn
  const provider = { generateDataKey: (r) => nodeProvider.generateDataKey(r), encrypt: (r) => nodeProvider.encrypt(r), decrypt: (r) => nodeProvider.decrypt(r) }
  const nodeKeyring = new node.AwsKmsKeyring({ provider: nodeProvider, keyIds: [arn] })
  const keyring = new api.AwsKmsKeyring({ provider, generatorKeyId: arn })
  const aesKeyBytes = aesKey()
  const aes = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKeyBytes })
  aesKeyBytes.fill(0) // the keyring and its twin took copies
  const multi = new api.MultiKeyring({ generator: keyring, children: [aes] })
  const { encrypt, decrypt, encryptStream, decryptStream } = api.buildClient()
  assert.equal(kmsLoads() + loads(), 0, 'constructing loads nothing')

  // one-shot and streams, alone and with a raw AES member: the KMS module only
  const one = (await encrypt(keyring, 'kms module', { encryptionContext: { m: 'kms' } })).result
  assert.equal(text((await decrypt(keyring, one)).plaintext), 'kms module')
  const both = (await encrypt(multi, 'both')).result
  assert.equal(text((await decrypt(aes, both)).plaintext), 'both', 'the raw AES member decrypts in the small module')
  const streamed = await pipeChunks(encryptStream(multi, { frameLength: 1000 }), input)
  assert.deepEqual(await pipeChunks(decryptStream(keyring), streamed), input)
  assert.deepEqual(await pipeChunks(decryptStream(multi), streamed), input)
  assert.equal(kmsLoads(), 1)
  assert.equal(loads(), 0, 'KMS keyrings over a provider object never requested the full module')
  for (const m of [one, both, streamed]) assert.ok((await node.buildClient().decrypt(nodeKeyring, m)).plaintext.length > 0)

  // an AES-192 suite is the full module's: one-shot, encryptStream, and decryptStream (which
  // learns the suite from the header)
  const forbid = api.buildClient('FORBID_ENCRYPT_ALLOW_DECRYPT')
  const s192 = (await forbid.encrypt(keyring, 'aes-192', { suiteId: 0x0146, encryptionContext: { a: 'b' } })).result
  assert.equal(loads(), 1)
  assert.equal(text((await forbid.decrypt(keyring, s192)).plaintext), 'aes-192')
  const st192 = await pipeChunks(forbid.encryptStream(multi, { suiteId: 0x0146, frameLength: 1000 }), input)
  assert.deepEqual(await pipeChunks(forbid.decryptStream(keyring), st192), input)
  assert.deepEqual((await node.buildClient('FORBID_ENCRYPT_ALLOW_DECRYPT').decrypt(nodeKeyring, st192)).plaintext, input)
  // the raw AES member's twin was made in both modules from its kept key copy
  const nodeAes = new node.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: aesKey() })
  assert.deepEqual((await node.buildClient('FORBID_ENCRYPT_ALLOW_DECRYPT').decrypt(nodeAes, st192)).plaintext, input)
  assert.equal(text((await node.buildClient().decrypt(nodeAes, both)).plaintext), 'both')

  // a caching manager over the same keyring is the full module's; the keyring alone stays in the KMS module
  const cmm = new api.CachingMaterialsManager({ keyring, cache: new api.LocalCryptoMaterialsCache(4), maxAge: 60_000 })
  const cached = (await encrypt(cmm, 'cached', { suiteId: 0x0478 })).result
  assert.equal(text((await decrypt(keyring, cached)).plaintext), 'cached')
  assert.equal(text((await node.buildClient().decrypt(nodeKeyring, cached)).plaintext), 'cached')
  assert.equal(kmsLoads(), 1)
  assert.equal(loads(), 1)

  // HttpKmsProvider's own calls run in the KMS module too (an unreachable endpoint: a named KMS error)
  const dead = new api.HttpKmsProvider({ endpoint: 'http://127.0.0.1:9/', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 's' }, maxAttempts: 1 })
  await assert.rejects(dead.send('ListKeys', {}), (e) => e instanceof api.SealkitError && e.code === 'ERR_KMS' && /TransportError/.test(e.message))
  await assert.rejects(encrypt(new api.AwsKmsKeyring({ provider: dead, generatorKeyId: arn }), 'x'), (e) => e instanceof api.SealkitError && e.code === 'ERR_KMS')
  assert.equal(loads(), 1)

  // a provider object is used as given, not copied: its methods see it as `this`
  const counting = { calls: 0, generateDataKey(r) { this.calls++; return nodeProvider.generateDataKey(r) }, decrypt(r) { this.calls++; return nodeProvider.decrypt(r) } }
  const viaCounting = new api.AwsKmsKeyring({ provider: counting, generatorKeyId: arn })
  assert.equal(text((await decrypt(viaCounting, (await encrypt(viaCounting, 'counted')).result)).plaintext), 'counted')
  assert.equal(counting.calls, 2)
  const inFull = new api.CachingMaterialsManager({ keyring: viaCounting, cache: new api.LocalCryptoMaterialsCache(2), maxAge: 60_000 })
  await encrypt(inFull, 'counted in the full module', { suiteId: 0x0478 })
  assert.equal(counting.calls, 3)

  multi.dispose()
  aes.dispose()
  await assert.rejects(encrypt(aes, 'x'), (e) => e instanceof api.SealkitError && /disposed/.test(e.message))
})
