// sealkit/lite: the small module with WebCrypto ECDSA (js/webcrypto-host.mjs), loaded in Node
// (whose crypto.subtle is WebCrypto) next to the full package (node:crypto ECDSA). Signed and
// unsigned suites one-shot and as streams, messages crossing between the two both ways, tamper
// and bad-key errors, and the point decompression against OpenSSL's.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ECDH, randomBytes } from 'node:crypto'
import { nodeEntry as full, loadLite, pipeChunks, PKG_DIR } from './pkg.mjs'
import { HIERARCHICAL, runHierarchicalItemVectors, runRawAesItemVectors } from './item-vector-files.mjs'
import { canon } from './item-canon.mjs'

const lite = await loadLite()
const wrappingKey = new Uint8Array(32).fill(7)
const keyrings = (api) => new api.RawAesKeyring({ keyNamespace: 'lite', keyName: 'k', wrappingKey })
const SUITES = [
  [0x0578, 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'],
  [0x0478, 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'],
  [0x0378, 'FORBID_ENCRYPT_ALLOW_DECRYPT'],
  [0x0214, 'FORBID_ENCRYPT_ALLOW_DECRYPT'],
  [0x0014, 'FORBID_ENCRYPT_ALLOW_DECRYPT'],
]
const plaintext = new Uint8Array(20_000).map((_, i) => (i * 13) & 0xff)
const encryptionContext = { purpose: 'lite test' }

async function rejectsWith(fn, code) {
  await assert.rejects(fn, (e) => {
    assert.equal(e.code, code, e.message)
    return true
  })
}

test('the lite module has no elliptic-curve code and no synchronous one-shot calls', async () => {
  const { readFileSync } = await import('node:fs')
  const glue = await import(new URL('file://' + PKG_DIR + '/sealkit_lite_web.js').href)
  assert.equal(typeof glue.WasmClient.prototype.encrypt, 'undefined')
  // Messages run on the core's machines, stepped by the JS driver: no async message engine.
  assert.equal(typeof glue.encryptMachine, 'function')
  assert.equal(typeof glue.decryptMachine, 'function')
  for (const twin of ['encryptAsync', 'decryptAsync', 'encryptorAsync', 'WasmEncryptor', 'WasmDecryptor']) assert.equal(glue[twin], undefined, twin)
  // No P-256/P-384 arithmetic, RSA, KMS or items: well under the full module's 1.2 MB.
  assert.ok(readFileSync(PKG_DIR + '/sealkit_lite_bg.wasm').length < 300_000)
})

test('without WebCrypto (an insecure context) every message fails with ERR_UNSUPPORTED naming it', async () => {
  const { readFileSync } = await import('node:fs')
  const href = (f) => new URL('file://' + PKG_DIR + '/' + f).href
  // a separate instance of the small module with no host installed, wired as sealkit/lite
  const glue = await import(href('sealkit_lite_web.js') + '?no-webcrypto')
  const { createApi } = await import(href('api.mjs'))
  const { createLiteStubs } = await import(href('lite-stubs.mjs'))
  const { unsupportedDriver } = await import(href('driver.mjs'))
  glue.initSync({ module: readFileSync(PKG_DIR + '/sealkit_lite_bg.wasm') })
  const api = createApi(glue, { extend: createLiteStubs, driver: unsupportedDriver() })
  const message = (await full.buildClient().encrypt(keyrings(full), 'x', { suiteId: 0x0478 })).result
  for (const [suiteId, policy] of SUITES) {
    const client = api.buildClient(policy)
    await assert.rejects(client.encrypt(keyrings(api), 'x', { suiteId }), (e) => e.code === 'ERR_UNSUPPORTED' && /WebCrypto/.test(e.message))
  }
  await assert.rejects(api.buildClient().decrypt(keyrings(api), message), (e) => e.code === 'ERR_UNSUPPORTED' && /WebCrypto/.test(e.message))
})

for (const [suiteId, commitmentPolicy] of SUITES) {
  test(`suite 0x${suiteId.toString(16).padStart(4, '0')}: lite ⇄ full, one-shot and streams`, async () => {
    const [kl, kf] = [keyrings(lite), keyrings(full)]
    const [cl, cf] = [lite.buildClient({ commitmentPolicy }), full.buildClient({ commitmentPolicy })]
    const fromLite = (await cl.encrypt(kl, plaintext, { suiteId, encryptionContext, frameLength: 4096 })).result
    const fromFull = (await cf.encrypt(kf, plaintext, { suiteId, encryptionContext, frameLength: 4096 })).result
    for (const ct of [fromLite, fromFull]) {
      const a = await cl.decrypt(kl, ct, { encryptionContext })
      assert.deepEqual(a.plaintext, plaintext)
      assert.equal(a.messageHeader.suiteId, suiteId)
      assert.deepEqual((await cf.decrypt(kf, ct)).plaintext, plaintext)
      const s = cl.decryptStream(kl, { encryptionContext })
      assert.deepEqual(await pipeChunks(s, ct), plaintext)
      assert.equal((await s.messageHeader).suiteId, suiteId)
      assert.equal((await s.encryptionContext).purpose, 'lite test')
    }
    const es = cl.encryptStream(kl, { suiteId, encryptionContext, frameLength: 1000 })
    // The header is known before any input (WebCrypto makes the key pair when the stream starts).
    assert.equal((await es.messageHeader).suiteId, suiteId)
    const streamed = await pipeChunks(es, plaintext)
    assert.deepEqual((await cf.decrypt(kf, streamed)).plaintext, plaintext)
  })
}

test('default suite (signed): frames stream out, tampering, unsignedOnly, truncated and foreign input', async () => {
  const k = keyrings(lite)
  const c = lite.buildClient()
  const es = c.encryptStream(k, { frameLength: 100 })
  const writer = es.writable.getWriter()
  const reader = es.readable.getReader()
  writer.write(new Uint8Array(1000))
  const first = await reader.read() // before the input ends
  assert.ok(first.value.length > 0 && !first.done)
  writer.close()
  const parts = [first.value]
  for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value)
  const whole = new Uint8Array(Buffer.concat(parts))
  assert.deepEqual((await c.decrypt(k, whole)).plaintext, new Uint8Array(1000))

  const { result } = await c.encrypt(k, 'hello', { encryptionContext })
  assert.equal(new TextDecoder().decode((await c.decrypt(k, result)).plaintext), 'hello')
  const bad = result.slice()
  bad[bad.length - 5] ^= 1
  await rejectsWith(() => c.decrypt(k, bad), 'ERR_SIGNATURE_INVALID')
  await rejectsWith(() => pipeChunks(c.decryptStream(k), bad), 'ERR_SIGNATURE_INVALID')
  await rejectsWith(() => c.decrypt(k, result, { unsignedOnly: true }), 'ERR_SIGNED_MESSAGE_REFUSED')
  await rejectsWith(() => pipeChunks(c.decryptStream(k), result.subarray(0, 2)), 'ERR_TRUNCATED')
  await rejectsWith(() => pipeChunks(c.decryptStream(k), new Uint8Array([9, 9, 9, 9])), 'ERR_BAD_CIPHERTEXT')
})

test('AES-192 is not in sealkit/lite: 24-byte keys, AES-192 suites and their messages fail with ERR_UNSUPPORTED', async () => {
  assert.throws(
    () => new lite.RawAesKeyring({ keyNamespace: 'n', keyName: 'k', wrappingKey: new Uint8Array(24) }),
    (e) => e instanceof lite.SealkitError && e.code === 'ERR_UNSUPPORTED' && /sealkit\/full/.test(e.message),
  )
  const policy = 'FORBID_ENCRYPT_ALLOW_DECRYPT'
  const [kl, kf] = [keyrings(lite), keyrings(full)]
  for (const suiteId of [0x0046, 0x0146, 0x0346]) {
    await rejectsWith(() => lite.buildClient(policy).encrypt(kl, 'x', { suiteId }), 'ERR_UNSUPPORTED')
    await rejectsWith(() => pipeChunks(lite.buildClient(policy).encryptStream(kl, { suiteId }), plaintext), 'ERR_UNSUPPORTED')
    const { result } = await full.buildClient(policy).encrypt(kf, plaintext, { suiteId })
    await rejectsWith(() => lite.buildClient(policy).decrypt(kl, result), 'ERR_UNSUPPORTED')
    await rejectsWith(() => pipeChunks(lite.buildClient(policy).decryptStream(kl), result), 'ERR_UNSUPPORTED')
  }
})

test('a failed decryption leaves no plaintext in the buffers WebCrypto returned, in flight or not', async () => {
  // Wraps the WebCrypto host of the lite module instance to keep every buffer open() returns.
  const glue = await import(new URL('file://' + PKG_DIR + '/sealkit_lite_web.js').href)
  const host = await import(new URL('file://' + PKG_DIR + '/webcrypto-host.mjs').href)
  const returned = []
  const watch = (key) => ({
    seal: (...a) => key.seal(...a),
    open: async (...a) => {
      const out = await key.open(...a)
      if (out) returned.push(out)
      return out
    },
  })
  // The driver's WebCrypto, wrapped; the module keeps its own host (the keyrings' AES).
  const { createApi } = await import(new URL('file://' + PKG_DIR + '/api.mjs').href)
  const { createDriver } = await import(new URL('file://' + PKG_DIR + '/driver.mjs').href)
  const { crypto: h, signatures } = host.webCrypto(globalThis.crypto.subtle)
  const recording = {
    ...h,
    // the content key of a message, from the driver's key derivation (with its commit key)
    messageKeys: async (...a) => {
      const [key, commit] = await h.messageKeys(...a)
      return [watch(key), commit]
    },
    aesGcmKey: async (...a) => watch(await h.aesGcmKey(...a)),
  }
  const watched = createApi(glue, { driver: createDriver(glue, { crypto: recording, signatures }) })
  {
    const k = keyrings(watched)
    const c = watched.buildClient()
    const { result } = await c.encrypt(k, plaintext, { suiteId: 0x0478, frameLength: 100 })
    const bad = result.slice()
    bad[bad.length - 100 * 150] ^= 1 // a frame near the start of the last 64 in flight
    returned.length = 0
    await rejectsWith(() => c.decrypt(k, bad), 'ERR_BODY_AUTH')
    await new Promise((r) => setTimeout(r, 100)) // answers that would arrive late
    assert.ok(returned.length > 10, `${returned.length} frames were opened`)
    assert.ok(returned.every((b) => b.every((x) => x === 0)), 'every plaintext buffer is zeroed')
  }
})

test('point decompression matches OpenSSL (P-256, P-384, both parities)', async () => {
  // The host object's verifier() turns the ESDK's compressed point into the uncompressed one
  // WebCrypto imports; a stand-in subtle.importKey records what it is given.
  const host = await import(new URL('file://' + PKG_DIR + '/webcrypto-host.mjs').href)
  let hostObject, imported
  host.installWebCryptoHost({ setHostSignatures: (h) => (hostObject = h) }, { importKey: async (format, point) => (imported = point) })
  const { createECDH } = await import('node:crypto')
  for (const [curve, name] of [[256, 'prime256v1'], [384, 'secp384r1']]) {
    const parities = new Set()
    for (let i = 0; i < 40; i++) {
      const ecdh = createECDH(name)
      ecdh.generateKeys()
      const compressed = ecdh.getPublicKey(null, 'compressed')
      parities.add(compressed[0])
      await hostObject.verifier(curve, new Uint8Array(compressed))
      assert.deepEqual(Buffer.from(imported), ecdh.getPublicKey(null, 'uncompressed'))
    }
    assert.equal(parities.size, 2, 'both parities seen')
  }
  const xTooLarge = new Uint8Array(49).fill(0xff)
  xTooLarge[0] = 2
  assert.throws(() => hostObject.verifier(384, xTooLarge), /field element/)
  // x = 0 … : the first x with no y on P-384 is rejected (a bad point in a message is then
  // ERR_BAD_CIPHERTEXT: tests/host_signatures.rs checks that mapping).
  const noPoint = new Uint8Array(49)
  noPoint[0] = 2
  for (let x = 1; ; x++) {
    noPoint[48] = x
    let opensslRejects = false
    try {
      ECDH.convertKey(noPoint, 'secp384r1', undefined, undefined, 'uncompressed')
    } catch {
      opensslRejects = true
    }
    if (!opensslRejects) continue
    assert.throws(() => hostObject.verifier(384, noPoint), /not a point/)
    break
  }
  assert.throws(() => hostObject.verifier(384, randomBytes(10)), /SEC1/)
})

test('AwsKmsRsaKeyring encrypts offline in sealkit/lite (WebCrypto RSA-OAEP and SHA-384); the full entry decrypts through KMS', async () => {
  const kms = new full.LocalKms()
  const provider = kms.client({ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' })
  const text = (b) => new TextDecoder().decode(b)
  for (const [keySpec, encryptionAlgorithm] of [['RSA_2048', 'RSAES_OAEP_SHA_256'], ['RSA_3072', 'RSAES_OAEP_SHA_1'], ['RSA_4096', undefined]]) {
    const { KeyMetadata: key } = await provider.createKey({ KeySpec: keySpec, KeyUsage: 'ENCRYPT_DECRYPT' })
    const der = (await provider.getPublicKey({ KeyId: key.Arn })).PublicKey
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PUBLIC KEY-----\n`
    const offline = new lite.AwsKmsRsaKeyring({ keyId: key.Arn, publicKey: pem, encryptionAlgorithm })
    assert.equal(offline.encryptionAlgorithm, encryptionAlgorithm || 'RSAES_OAEP_SHA_256')
    const online = new full.AwsKmsRsaKeyring({ keyId: key.Arn, provider, encryptionAlgorithm: offline.encryptionAlgorithm })
    const calls = kms.auditLog().length
    const { result, messageHeader } = await lite.buildClient().encrypt(offline, plaintext, { suiteId: 0x0478, encryptionContext })
    assert.equal(kms.auditLog().length, calls, 'encryption made no KMS call')
    const [edk] = messageHeader.encryptedDataKeys
    assert.equal(edk.providerId, 'aws-kms-rsa')
    assert.equal(edk.encryptedDataKey.length, Number(keySpec.slice(4)) / 8)
    assert.deepEqual((await full.buildClient().decrypt(online, result)).plaintext, plaintext)
    // the context is bound: the same EDK under another context does not unwrap
    const other = await lite.buildClient().encrypt(offline, 'x', { suiteId: 0x0478, encryptionContext: { purpose: 'other' } })
    assert.equal(text((await full.buildClient().decrypt(online, other.result)).plaintext), 'x')
    // a multi-keyring of the small module with a raw AES member: both unwrap
    const multi = new lite.MultiKeyring({ generator: keyrings(lite), children: [offline] })
    const both = (await lite.buildClient().encrypt(multi, 'both', { suiteId: 0x0478 })).result
    assert.equal(text((await full.buildClient().decrypt(online, both)).plaintext), 'both')
    assert.equal(text((await lite.buildClient().decrypt(keyrings(lite), both)).plaintext), 'both')
    // it cannot decrypt (no provider), and signing suites are refused as in the ESDK
    await rejectsWith(() => lite.buildClient().decrypt(offline, result), 'ERR_NO_DECRYPTING_KEYRING')
    await rejectsWith(() => lite.buildClient().encrypt(offline, 'x', { suiteId: 0x0578 }), 'ERR_KEYRING')
  }
  // bad keys and options: named at construction, by the Rust checks
  const small = `-----BEGIN PUBLIC KEY-----\n${(await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}\n-----END PUBLIC KEY-----`
  for (const [config, re] of [
    [{ keyId: 'k', publicKey: small }, /2048 bits/],
    [{ keyId: 'k', publicKey: '-----BEGIN PUBLIC KEY-----\nMA==\n-----END PUBLIC KEY-----' }, /not a valid PEM/],
    [{ keyId: 'k', publicKey: 'nope' }, /not a valid PEM/],
    [{ keyId: '', publicKey: small }, /keyId/],
    [{ keyId: 'k', publicKey: small, encryptionAlgorithm: 'RSAES_PKCS1_V1_5' }, /encryptionAlgorithm/],
    [{ keyId: 'k' }, /needs a publicKey/],
    [{ keyId: 'k', provider: {} }, /sealkit\/lite/],
  ]) {
    assert.throws(() => new lite.AwsKmsRsaKeyring(config), (e) => e instanceof lite.SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && re.test(e.message), JSON.stringify(config))
  }
})

test('classes outside sealkit/lite throw ERR_INVALID_ARGUMENT naming the full entry', () => {
  const pem = '-----BEGIN PUBLIC KEY-----\nMA==\n-----END PUBLIC KEY-----'
  const attempts = [
    () => new lite.RawRsaKeyring({ keyNamespace: 'n', keyName: 'k', publicKey: pem, padding: 'oaep-sha256' }),
    () => new lite.LocalKms(),
    () => lite.LocalKms.importState(new Uint8Array(1), new Uint8Array(32)),
    () => new lite.AwsKmsKeyring({ provider: {}, generatorKeyId: 'k' }),
    () => new lite.HierarchicalKeyring({}),
    () => new lite.CachingMaterialsManager({}),
    () => new lite.LocalCryptoMaterialsCache(1),
    () => new lite.ItemEncryptor({}),
    () => lite.marshall({ a: 1 }),
  ]
  for (const attempt of attempts) {
    assert.throws(attempt, (e) => {
      assert.ok(e instanceof lite.SealkitError)
      assert.equal(e.code, 'ERR_INVALID_ARGUMENT')
      assert.match(e.message, /lite/)
      return true
    })
  }
  assert.equal(lite.CryptoAction.SIGN_ONLY, 'SIGN_ONLY')
})

// ---------------------------------------------------------------- items (sealkit/items)

// The sealkit/items entry: the small module plus the item format, in a module of its own.
const items = await loadLite({ items: true })

const ITEM = {
  pk: { S: 'user#1' },
  sk: { N: '0042.50' },
  name: { S: 'Zoë ✓' },
  photo: { B: new Uint8Array([0, 1, 2, 255]) },
  tags: { SS: ['b', 'a'] },
  scores: { NS: ['3', '-1.5'] },
  blobs: { BS: [new Uint8Array([9]), new Uint8Array(0)] },
  nested: { M: { l: { L: [{ BOOL: true }, { NULL: true }, { M: {} }] } } },
  region: { S: 'eu' },
  note: { S: 'not signed' },
}
const ITEM_ACTIONS = { pk: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', sk: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', name: 'ENCRYPT_AND_SIGN', photo: 'ENCRYPT_AND_SIGN', tags: 'ENCRYPT_AND_SIGN', scores: 'SIGN_ONLY', blobs: 'ENCRYPT_AND_SIGN', nested: 'ENCRYPT_AND_SIGN', region: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', note: 'DO_NOTHING' }
const itemEncryptor = (api, suite, keyring = keyrings(api)) =>
  new api.ItemEncryptor({ tableName: 'people', partitionKey: 'pk', sortKey: 'sk', attributeActions: ITEM_ACTIONS, allowedUnsignedAttributes: ['note'], keyring, algorithmSuiteId: suite })

for (const suite of [0x6701, 0x6700]) {
  test(`items 0x${suite.toString(16)} in sealkit/items (WebCrypto signatures): lite ⇄ full, tampering named`, async () => {
    const mine = itemEncryptor(items, suite)
    const theirs = itemEncryptor(full, suite)
    const stored = await mine.encryptItem(ITEM)
    assert.ok(stored.name.B instanceof Uint8Array && stored.aws_dbe_head.B instanceof Uint8Array)
    assert.deepEqual(stored.note, ITEM.note)
    // 0x6701 carries one 48-byte recipient tag and the 103-byte DER signature the DB-ESDK expects.
    assert.equal(stored.aws_dbe_foot.B.length, 48 + (suite === 0x6701 ? 103 : 0))
    assert.deepEqual(canon(await theirs.decryptItem(stored)), canon(ITEM))
    assert.deepEqual(canon(await mine.decryptItem(await theirs.encryptItem(ITEM))), canon(ITEM))
    assert.deepEqual(canon(await mine.decryptItem(stored)), canon(ITEM))
    // A changed signed plaintext attribute, a changed encrypted one, a changed footer signature.
    await assert.rejects(mine.decryptItem({ ...stored, scores: { NS: ['3', '-1.4'] } }), (e) => e instanceof items.SealkitError && /scores|signature/.test(e.message))
    const photo = stored.photo.B.slice()
    photo[photo.length - 1] ^= 1
    await assert.rejects(mine.decryptItem({ ...stored, photo: { B: photo } }), (e) => e instanceof items.SealkitError && /'photo'/.test(e.message))
    if (suite === 0x6701) {
      const foot = stored.aws_dbe_foot.B.slice()
      foot[foot.length - 5] ^= 1
      await assert.rejects(mine.decryptItem({ ...stored, aws_dbe_foot: { B: foot } }), (e) => e instanceof items.SealkitError && /aws_dbe_foot|signature/i.test(e.message))
    }
  })
}

test('items in sealkit/items: every raw-AES DB-ESDK vector, marshall/unmarshall, and errors', async () => {
  const { passed, failed, total } = await runRawAesItemVectors(items)
  console.log(`item vectors (sealkit/items): ${passed} passed, ${failed.length} failed`)
  assert.deepEqual(failed, [])
  assert.equal(passed, total)
  assert.ok(total > 0)

  const enc = new items.ItemEncryptor({ tableName: 't', partitionKey: 'id', attributeActions: { id: 'SIGN_ONLY', card: 'ENCRYPT_AND_SIGN' }, keyring: keyrings(items) })
  const record = { id: 'r-1', card: '4111-1111-1111-1111' }
  const stored = await enc.encryptItem(items.marshall(record))
  assert.notEqual(stored.card.S, record.card)
  assert.deepEqual(items.unmarshall(await enc.decryptItem(stored)), record)
  // An attribute without an action is named; a missing partition key too; neither echoes the value.
  await assert.rejects(enc.encryptItem(items.marshall({ ...record, extra: 'hunter2' })), (e) => e instanceof items.SealkitError && /extra/.test(e.message) && !/hunter2/.test(e.message))
  await assert.rejects(enc.encryptItem(items.marshall({ card: 'x' })), (e) => e instanceof items.SealkitError && /'id'/.test(e.message))
  // Something that is not a keyring is refused at construction.
  assert.throws(() => new items.ItemEncryptor({ tableName: 't', partitionKey: 'id', attributeActions: {}, keyring: {} }), (e) => e instanceof items.SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
})

test('items in sealkit/items: every official hierarchical DB-ESDK vector (static branch key: HMAC-SHA-256 and AES-GCM on WebCrypto)', async () => {
  let total = 0
  for (const [file, expected] of Object.entries(HIERARCHICAL)) {
    const { passed, failed } = await runHierarchicalItemVectors(items, file)
    console.log(`item vectors ${file} (sealkit/items): ${passed} passed, ${failed.length} failed`)
    assert.deepEqual(failed, [], file)
    assert.equal(passed, expected, file)
    total += passed
  }
  assert.equal(total, 44)
  // Round trips both suites; another branch key under the same id and version cannot unwrap.
  const branchKey = { version: 'e9ce18a3-edb5-4272-9f86-1cacb7997ff6', key: new Uint8Array(32).fill(7) }
  const cfg = { tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' } }
  for (const algorithmSuiteId of [0x6700, 0x6701]) {
    const enc = new items.ItemEncryptor({ ...cfg, algorithmSuiteId, keyring: new items.HierarchicalKeyring({ branchKeyId: 'bk-1', branchKey }) })
    const stored = await enc.encryptItem(items.marshall({ pk: 'a', secret: 's3cret' }))
    assert.deepEqual(items.unmarshall(await enc.decryptItem(stored)), { pk: 'a', secret: 's3cret' })
    // the Node entry (RustCrypto in the full module) reads it too
    const node = new full.ItemEncryptor({ ...cfg, algorithmSuiteId, keyring: new full.HierarchicalKeyring({ branchKeyId: 'bk-1', branchKey }) })
    assert.deepEqual(full.unmarshall(await node.decryptItem(stored)), { pk: 'a', secret: 's3cret' })
    const other = new items.ItemEncryptor({ ...cfg, algorithmSuiteId, keyring: new items.HierarchicalKeyring({ branchKeyId: 'bk-1', branchKey: { ...branchKey, key: new Uint8Array(32).fill(8) } }) })
    await assert.rejects(other.decryptItem(stored), (e) => e instanceof items.SealkitError && e.code === 'ERR_NO_DECRYPTING_KEYRING')
  }
  // The KMS-backed form and bad keys are refused with named errors.
  const bad = (o, re) => assert.throws(() => new items.HierarchicalKeyring(o), (e) => e instanceof items.SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && re.test(e.message))
  bad({ branchKeyId: 'x', keyStore: {} }, /KmsBranchKeyStore.*'sealkit'/)
  bad({ branchKeyId: 'x', branchKey: { ...branchKey, key: new Uint8Array(16) } }, /32 bytes/)
  bad({ branchKeyId: 'x', branchKey: { ...branchKey, version: 'not-a-uuid' } }, /uuid|version/i)
  bad({ branchKeyId: 'x' }, /exactly one/)
  // sealkit/lite has no hierarchical keyring at all.
  const lite = await loadLite()
  assert.throws(() => new lite.HierarchicalKeyring({ branchKeyId: 'x', branchKey }), (e) => e instanceof lite.SealkitError && /not included in 'sealkit\/lite'/.test(e.message))
})

test('sealkit/items is the lite module plus items: no ECDSA, RSA or KMS code, no synchronous one-shot calls', async () => {
  const { readFileSync } = await import('node:fs')
  const glue = await import(new URL('file://' + PKG_DIR + '/sealkit_items_web.js').href)
  assert.equal(typeof glue.WasmItemEncryptor, 'function')
  for (const absent of ['encryptAsync', 'WasmEncryptor', 'WasmLocalKms', 'WasmKmsProvider']) assert.equal(glue[absent], undefined, absent)
  const liteGlue = await import(new URL('file://' + PKG_DIR + '/sealkit_lite_web.js').href)
  assert.equal(liteGlue.WasmItemEncryptor, undefined, 'sealkit/lite carries no item code')
  assert.ok(readFileSync(PKG_DIR + '/sealkit_items_bg.wasm').length < 600_000)
  assert.throws(() => new items.AwsKmsKeyring({ provider: {}, generatorKeyId: 'k' }), (e) => e instanceof items.SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
})
