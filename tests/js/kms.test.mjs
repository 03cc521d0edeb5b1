// KMS providers and KMS keyrings through the wasm build: the embedded LocalKms, user JS
// provider objects, HttpKmsProvider (fetch + SigV4) against sealkit-key-server, and the
// offline-encrypt / online-decrypt KMS RSA keyring.
// SEALKIT_KEY_SERVER: path of the sealkit-key-server binary (scripts/test-js.sh builds it).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { sealkit, pipeChunks } from './pkg.mjs'
import { startKeyServer } from './key-server.mjs'

const { buildClient, LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsRsaKeyring, MultiKeyring, RawAesKeyring, SealkitError } = sealkit
const { encrypt, decrypt } = buildClient()
const ROOT = 'arn:aws:iam::111122223333:root'
// The KMS RSA keyring refuses signing suites (as in the ESDK): 0x0478 = committing, unsigned.
const COMMIT_NO_SIG = 0x0478
const text = (u8) => new TextDecoder().decode(u8)

async function rejectsWith(promise, code, re) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof SealkitError, `expected a SealkitError, got ${e}`)
    assert.equal(e.code, code, e.message)
    if (re) assert.match(e.message, re)
    return true
  })
}

/** DER SubjectPublicKeyInfo → PEM. */
function derToPem(der) {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trim()
  return `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`
}

test('LocalKms: create key + alias, AwsKmsKeyring round trip, discovery and MRK-aware keyrings', async () => {
  const kms = new LocalKms()
  const c = kms.client({ region: 'us-west-2', principal: ROOT })
  const { KeyMetadata } = await c.createKey({ Description: 'test' })
  assert.match(KeyMetadata.Arn, /^arn:aws:kms:us-west-2:111122223333:key\//)
  await c.createAlias({ AliasName: 'alias/app', TargetKeyId: KeyMetadata.KeyId })
  const aliases = await c.send('ListAliases', {})
  assert.ok(aliases.Aliases.some((a) => a.AliasName === 'alias/app'))

  const keyring = new AwsKmsKeyring({ provider: c, generatorKeyId: KeyMetadata.Arn })
  const ctx = { tenant: 'acme' }
  const { result, messageHeader } = await encrypt(keyring, 'hello kms', { encryptionContext: ctx })
  assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'aws-kms')
  assert.equal(text((await decrypt(keyring, result)).plaintext), 'hello kms')
  // decrypt-only (keyIds without generator), discovery (filtered), MRK-aware, and inside a MultiKeyring
  assert.equal(text((await decrypt(new AwsKmsKeyring({ provider: c, keyIds: [KeyMetadata.Arn] }), result)).plaintext), 'hello kms')
  const disc = new AwsKmsDiscoveryKeyring({ provider: c, discoveryFilter: { partition: 'aws', accounts: ['111122223333'] } })
  assert.equal(text((await decrypt(disc, result)).plaintext), 'hello kms')
  await rejectsWith(decrypt(new AwsKmsDiscoveryKeyring({ provider: c, discoveryFilter: { partition: 'aws', accounts: ['999999999999'] } }), result), 'ERR_NO_DECRYPTING_KEYRING')
  assert.equal(text((await decrypt(new AwsKmsMrkAwareKeyring({ provider: c, keyId: KeyMetadata.Arn }), result)).plaintext), 'hello kms')
  const aes = new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32).fill(7) })
  const multi = new MultiKeyring({ generator: keyring, children: [aes] })
  const m = await encrypt(multi, 'both')
  assert.equal(m.messageHeader.encryptedDataKeys.length, 2)
  assert.equal(text((await decrypt(aes, m.result)).plaintext), 'both')
  assert.equal(text((await decrypt(keyring, m.result)).plaintext), 'both')
  // send() blob fields: Uint8Array in, Uint8Array out
  const e = await c.encrypt({ KeyId: 'alias/app', Plaintext: new Uint8Array([1, 2, 3]) })
  assert.ok(e.CiphertextBlob instanceof Uint8Array)
  assert.deepEqual([...(await c.decrypt({ CiphertextBlob: e.CiphertextBlob })).Plaintext], [1, 2, 3])
  await rejectsWith(c.send('Decrypt', { CiphertextBlob: new Uint8Array(40) }), 'ERR_KMS', /InvalidCiphertextException/)
})

/** Pipes `input` through `stream` expecting `code`: no plaintext comes out, and the header
 * promise rejects too unless the header itself was sound (`headerOk`). */
async function streamFails(stream, input, code, headerOk = false) {
  let released = 0
  const counter = new TransformStream({ transform: (c, out) => ((released += c.length), out.enqueue(c)) })
  const counted = { writable: stream.writable, readable: stream.readable.pipeThrough(counter) }
  const isCode = (e) => e instanceof SealkitError && e.code === code
  await assert.rejects(pipeChunks(counted, input), isCode)
  if (headerOk) assert.equal((await stream.messageHeader).suiteId, 0x0578)
  else await assert.rejects(stream.messageHeader, isCode)
  assert.equal(released, 0, 'no plaintext released')
}

test('streams with KMS keyrings: the data key comes from the provider when the stream starts / the header is read', async () => {
  const kms = new LocalKms()
  const c = kms.client({ region: 'us-west-2', principal: ROOT })
  const { KeyMetadata: key } = await c.createKey({})
  // A user provider object answers with promises (as fetch-based ones do): the data key arrives
  // after the stream's first call has returned. The embedded LocalKms answers at once.
  let calls = 0
  const later = (f) => (r) => (calls++, new Promise((resolve) => setTimeout(resolve, 1)).then(() => f(r)))
  const provider = { generateDataKey: later((r) => c.generateDataKey(r)), encrypt: later((r) => c.encrypt(r)), decrypt: later((r) => c.decrypt(r)) }
  const keyring = new AwsKmsKeyring({ provider, generatorKeyId: key.Arn })
  const client = buildClient()
  const data = new Uint8Array(20_000).map((_, i) => (i * 31) & 0xff)
  const ctx = { tenant: 'acme', file: 'report.bin' }
  const local = new AwsKmsKeyring({ provider: c, generatorKeyId: key.Arn })
  assert.deepEqual(await pipeChunks(client.decryptStream(local), await pipeChunks(client.encryptStream(local), data)), data)
  for (const suiteId of [undefined, COMMIT_NO_SIG]) {
    const es = client.encryptStream(keyring, { encryptionContext: ctx, frameLength: 1024, suiteId })
    const ct = await pipeChunks(es, data)
    const header = await es.messageHeader
    assert.equal(header.suiteId, suiteId ?? 0x0578)
    assert.equal(header.encryptedDataKeys[0].providerId, 'aws-kms')
    const { 'aws-crypto-public-key': publicKey, ...stored } = header.encryptionContext
    assert.deepEqual(stored, ctx)
    assert.equal(publicKey !== undefined, suiteId === undefined, 'the signed suite stores its public key')
    // the one-shot decryption reads it, and the decrypt stream (chunk edges inside the header)
    assert.deepEqual((await decrypt(keyring, ct)).plaintext, data)
    const ds = client.decryptStream(keyring, { encryptionContext: { tenant: 'acme' } })
    assert.deepEqual(await pipeChunks(ds, ct), data)
    assert.equal((await ds.messageHeader).suiteId, header.suiteId)
    assert.deepEqual(await ds.encryptionContext, header.encryptionContext)
  }

  assert.equal(calls, 6, 'GenerateDataKey per encrypt stream, Decrypt per decryption')

  // a one-shot message through the decrypt stream; a multi-keyring with a KMS generator
  const aes = new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32).fill(3) })
  const multi = new MultiKeyring({ generator: keyring, children: [aes] })
  const one = (await encrypt(multi, data, { encryptionContext: ctx })).result
  assert.deepEqual(await pipeChunks(client.decryptStream(keyring), one), data)
  const viaMulti = await pipeChunks(client.encryptStream(multi, { encryptionContext: ctx }), data)
  assert.deepEqual(await pipeChunks(client.decryptStream(aes), viaMulti), data)
  assert.deepEqual(await pipeChunks(client.decryptStream(multi), viaMulti), data)

  // failures: the named error from the stream, no plaintext released
  const other = new AwsKmsDiscoveryKeyring({ provider: c, discoveryFilter: { partition: 'aws', accounts: ['999999999999'] } })
  await streamFails(client.decryptStream(other), one, 'ERR_NO_DECRYPTING_KEYRING')
  await streamFails(client.decryptStream(keyring, { encryptionContext: { tenant: 'other' } }), one, 'ERR_CONTEXT_MISMATCH')
  const tampered = one.slice()
  tampered[tampered.length - 200] ^= 1
  await streamFails(client.decryptStream(keyring), tampered, 'ERR_BODY_AUTH', true)
  // another account, not in the key policy: GenerateDataKey is denied when the stream starts
  const outsider = kms.client({ region: 'us-west-2', principal: 'arn:aws:iam::444455556666:root' })
  const es = client.encryptStream(new AwsKmsKeyring({ provider: outsider, generatorKeyId: key.Arn }))
  const denied = (e) => e instanceof SealkitError && e.code === 'ERR_KMS' && /AccessDenied/.test(e.message)
  await assert.rejects(pipeChunks(es, data), denied)
  await assert.rejects(es.messageHeader, denied)
})

test('LocalKms: rotation keeps old ciphertexts decryptable; audit log has allowed and denied calls; export/import', async () => {
  const kms = new LocalKms()
  const c = kms.client({ region: 'us-east-1', principal: ROOT })
  const { KeyMetadata: key } = await c.createKey({})
  const keyring = new AwsKmsKeyring({ provider: c, generatorKeyId: key.Arn })
  const before = (await encrypt(keyring, 'before rotation')).result
  await c.rotateKeyOnDemand({ KeyId: key.KeyId })
  const rotations = await c.send('ListKeyRotations', { KeyId: key.KeyId })
  assert.equal(rotations.Rotations.length, 1)
  const after = (await encrypt(keyring, 'after rotation')).result
  assert.equal(text((await decrypt(keyring, before)).plaintext), 'before rotation')
  assert.equal(text((await decrypt(keyring, after)).plaintext), 'after rotation')

  // Deny Decrypt to mallory (same account) through the key policy.
  const MALLORY = 'arn:aws:iam::111122223333:user/mallory'
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Principal: { AWS: MALLORY }, Action: 'kms:Decrypt', Resource: '*' },
    ],
  }
  await c.send('PutKeyPolicy', { KeyId: key.KeyId, PolicyName: 'default', Policy: JSON.stringify(policy) })
  const mallory = new AwsKmsKeyring({ provider: kms.client({ region: 'us-east-1', principal: MALLORY }), generatorKeyId: key.Arn })
  await rejectsWith(decrypt(mallory, before), 'ERR_NO_DECRYPTING_KEYRING', /AccessDeniedException/)
  const log = kms.auditLog()
  assert.ok(log.some((r) => r.operation === 'Decrypt' && r.success && r.principal === ROOT))
  const denied = log.filter((r) => r.operation === 'Decrypt' && !r.success)
  assert.equal(denied.length, 1)
  assert.equal(denied[0].principal, MALLORY)
  assert.equal(denied[0].error_code, 'AccessDeniedException')
  assert.equal(kms.auditJsonl().trim().split('\n').length, log.length)

  const root = new Uint8Array(32).fill(9)
  const state = kms.exportState(root)
  assert.ok(state instanceof Uint8Array && state.length > 0)
  const restored = LocalKms.importState(state, root)
  const c2 = restored.client({ region: 'us-east-1', principal: ROOT })
  const k2 = new AwsKmsKeyring({ provider: c2, generatorKeyId: key.Arn })
  assert.equal(text((await decrypt(k2, before)).plaintext), 'before rotation')
  assert.equal(text((await decrypt(k2, after)).plaintext), 'after rotation')
  assert.throws(() => LocalKms.importState(state, new Uint8Array(32)), (e) => e instanceof SealkitError && e.code === 'ERR_KMS')
  assert.throws(() => kms.exportState(new Uint8Array(5)), (e) => e instanceof SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
})

test('user-supplied JS provider objects: wrapping a LocalKms client, and a node:crypto fake', async () => {
  const kms = new LocalKms()
  const c = kms.client({ region: 'us-east-1', principal: ROOT })
  const { KeyMetadata: key } = await c.createKey({})
  let calls = 0
  const wrapped = {
    generateDataKey: (r) => (calls++, c.generateDataKey(r)),
    encrypt: (r) => (calls++, c.encrypt(r)),
    decrypt: (r) => (calls++, c.decrypt(r)),
  }
  const kr = new AwsKmsKeyring({ provider: wrapped, generatorKeyId: key.Arn })
  const { result } = await encrypt(kr, 'via a JS object', { encryptionContext: { a: '1' } })
  assert.equal(text((await decrypt(kr, result)).plaintext), 'via a JS object')
  assert.equal(calls, 2)
  // ciphertext made through the object decrypts with the LocalKms client directly
  assert.equal(text((await decrypt(new AwsKmsKeyring({ provider: c, generatorKeyId: key.Arn }), result)).plaintext), 'via a JS object')

  // A tiny fake KMS: AES-256-GCM under one key, encryption context as AAD, base64 accepted.
  const ARN = 'arn:aws:kms:eu-west-1:123456789012:key/fake-1'
  const master = randomBytes(32)
  const aad = (ec) => Buffer.from(JSON.stringify(Object.entries(ec || {}).sort()))
  const seal = (pt, ec) => {
    const iv = randomBytes(12)
    const ci = createCipheriv('aes-256-gcm', master, iv).setAAD(aad(ec))
    const ct = Buffer.concat([ci.update(pt), ci.final()])
    return new Uint8Array(Buffer.concat([iv, ct, ci.getAuthTag()]))
  }
  const fake = {
    async generateDataKey({ KeyId, NumberOfBytes, EncryptionContext }) {
      assert.equal(KeyId, ARN)
      const pt = randomBytes(NumberOfBytes)
      return { KeyId: ARN, Plaintext: new Uint8Array(pt), CiphertextBlob: Buffer.from(seal(pt, EncryptionContext)).toString('base64') }
    },
    async encrypt({ Plaintext, EncryptionContext }) {
      return { KeyId: ARN, CiphertextBlob: seal(Plaintext, EncryptionContext) }
    },
    async decrypt({ CiphertextBlob, EncryptionContext }) {
      const b = Buffer.from(CiphertextBlob)
      const d = createDecipheriv('aes-256-gcm', master, b.subarray(0, 12)).setAAD(aad(EncryptionContext))
      d.setAuthTag(b.subarray(b.length - 16))
      try {
        return { KeyId: ARN, Plaintext: Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]) }
      } catch {
        const e = new Error('bad ciphertext')
        e.name = 'InvalidCiphertextException'
        throw e
      }
    },
  }
  const fk = new AwsKmsKeyring({ provider: fake, generatorKeyId: ARN })
  const r = await encrypt(fk, 'fake kms', { encryptionContext: { x: 'y' } })
  assert.equal(text((await decrypt(fk, r.result)).plaintext), 'fake kms')
  // errors thrown by the object become ERR_KMS (named) / no decrypting keyring
  const denying = { generateDataKey: async () => Promise.reject(Object.assign(new Error('nope'), { name: 'AccessDeniedException' })) }
  await rejectsWith(encrypt(new AwsKmsKeyring({ provider: denying, generatorKeyId: ARN }), 'x'), 'ERR_KMS', /AccessDeniedException.*nope/)
  const noDecrypt = { generateDataKey: fake.generateDataKey }
  const nd = new AwsKmsKeyring({ provider: noDecrypt, generatorKeyId: ARN })
  await rejectsWith(decrypt(nd, (await encrypt(nd, 'x')).result), 'ERR_NO_DECRYPTING_KEYRING', /UnsupportedOperationException/)
  assert.throws(() => new AwsKmsKeyring({ provider: {}, generatorKeyId: ARN }), (e) => e instanceof SealkitError && e.code === 'ERR_INVALID_ARGUMENT')
})

test('offline RSA: GetPublicKey → PEM, encrypt with no provider, decrypt through the provider', async () => {
  const kms = new LocalKms()
  const c = kms.client({ region: 'us-east-1', principal: ROOT })
  const { KeyMetadata: key } = await c.createKey({ KeySpec: 'RSA_2048', KeyUsage: 'ENCRYPT_DECRYPT' })
  const { PublicKey } = await c.getPublicKey({ KeyId: key.Arn })
  assert.ok(PublicKey instanceof Uint8Array)
  const publicKey = derToPem(PublicKey)
  const offline = new AwsKmsRsaKeyring({ keyId: key.Arn, publicKey, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
  const before = kms.auditLog().length
  const { result, messageHeader } = await encrypt(offline, 'offline secret', { suiteId: COMMIT_NO_SIG })
  assert.equal(kms.auditLog().length, before, 'encryption made no KMS call')
  assert.equal(messageHeader.encryptedDataKeys[0].providerId, 'aws-kms-rsa')
  await rejectsWith(decrypt(offline, result), 'ERR_NO_DECRYPTING_KEYRING')
  const online = new AwsKmsRsaKeyring({ keyId: key.Arn, provider: c, encryptionAlgorithm: 'RSAES_OAEP_SHA_256' })
  assert.equal(text((await decrypt(online, result)).plaintext), 'offline secret')
  assert.throws(() => new AwsKmsRsaKeyring({ keyId: key.Arn, publicKey: 'nope' }), (e) => e.code === 'ERR_INVALID_ARGUMENT')
})

// ------------------------------------------------------------------ key server over HTTP

const SERVER = process.env.SEALKIT_KEY_SERVER
const AKID = 'AKIDEXAMPLE'
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'

test('HttpKmsProvider (fetch + SigV4) against sealkit-key-server', { skip: !SERVER || !existsSync(SERVER) ? 'SEALKIT_KEY_SERVER not set' : false }, async () => {
  const server = await startKeyServer({ binary: SERVER, accessKeyId: AKID, secretAccessKey: SECRET, principal: ROOT })
  const { url } = server
  try {
    const provider = new HttpKmsProvider({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET } })
    const { KeyMetadata: key } = await provider.send('CreateKey', { Description: 'over http' })
    assert.match(key.Arn, /^arn:aws:kms:us-east-1:111122223333:key\//)
    const keyring = new AwsKmsKeyring({ provider, generatorKeyId: key.Arn })
    const { result } = await encrypt(keyring, 'over the wire', { encryptionContext: { via: 'http' } })
    assert.equal(text((await decrypt(keyring, result)).plaintext), 'over the wire')
    // streams: GenerateDataKey / Decrypt over HTTP when the stream starts / reads the header
    const { encryptStream, decryptStream } = buildClient()
    const big = new Uint8Array(100_000).map((_, i) => i & 0xff)
    const streamed = await pipeChunks(encryptStream(keyring, { encryptionContext: { via: 'http' } }), big)
    assert.deepEqual(await pipeChunks(decryptStream(keyring), streamed), big)

    const wrong = new HttpKmsProvider({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: 'wrong' }, maxAttempts: 1 })
    await rejectsWith(wrong.send('ListKeys', {}), 'ERR_KMS', /KMS error \w+/)
    await rejectsWith(encrypt(new AwsKmsKeyring({ provider: wrong, generatorKeyId: key.Arn }), 'x'), 'ERR_KMS', /Signature|Unrecognized|Invalid|Denied/i)

    // offline RSA over HTTP: public key downloaded once, encryption without the provider
    const { KeyMetadata: rsa } = await provider.send('CreateKey', { KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' })
    const { PublicKey } = await provider.getPublicKey({ KeyId: rsa.Arn })
    const ct = (await encrypt(new AwsKmsRsaKeyring({ keyId: rsa.Arn, publicKey: derToPem(PublicKey), encryptionAlgorithm: 'RSAES_OAEP_SHA_1' }), 'rsa over http', { suiteId: COMMIT_NO_SIG })).result
    const back = await decrypt(new AwsKmsRsaKeyring({ keyId: rsa.Arn, provider, encryptionAlgorithm: 'RSAES_OAEP_SHA_1' }), ct)
    assert.equal(text(back.plaintext), 'rsa over http')

    // unreachable endpoint → ERR_KMS (TransportError), no wasm trap
    const dead = new HttpKmsProvider({ endpoint: 'http://127.0.0.1:9/', region: 'us-east-1', credentials: { accessKeyId: AKID, secretAccessKey: SECRET }, maxAttempts: 1 })
    await rejectsWith(dead.send('ListKeys', {}), 'ERR_KMS', /TransportError/)
  } finally {
    server.stop()
  }
})
