// Item encryption (DB-ESDK item format) through the wasm build: round trips of every
// AttributeValue type, both item suites, marshall/unmarshall, tamper and configuration errors,
// and every case of the raw-AES DB-ESDK vector manifest (tests/vectors/dbesdk).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sealkit } from './pkg.mjs'
import { canon } from './item-canon.mjs'
import { runRawAesItemVectors } from './item-vector-files.mjs'

const { ItemEncryptor, RawAesKeyring, CryptoAction, marshall, unmarshall, SealkitError, LocalKms, AwsKmsKeyring } = sealkit

const keyring = new RawAesKeyring({ keyNamespace: 'items', keyName: 'k1', wrappingKey: new Uint8Array(32).fill(3) })

function sealkitError(code, re) {
  return (e) => {
    assert.ok(e instanceof SealkitError, `expected a SealkitError, got ${e}`)
    assert.equal(e.code, code, e.message)
    if (re) assert.match(e.message, re)
    return true
  }
}

const ALL_TYPES = {
  pk: { S: 'user#1' },
  sk: { N: '42' },
  s: { S: 'héllo wörld ✓ 😀' },
  empty_s: { S: '' },
  n: { N: '-12.50' },
  b: { B: new Uint8Array([0, 1, 2, 255]) },
  empty_b: { B: new Uint8Array(0) },
  t: { BOOL: true },
  f: { BOOL: false },
  nul: { NULL: true },
  l: { L: [{ S: 'a' }, { N: '1' }, { L: [] }, { M: { deep: { BS: [new Uint8Array([9])] } } }] },
  m: { M: { nested: { M: { x: { SS: ['a', 'b'] } } }, empty: { M: {} } } },
  ss: { SS: ['z', 'y', ''] },
  ns: { NS: ['1', '2.5', '-3'] },
  bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
  'ñame with spaces ✓': { S: 'non-ASCII attribute name' },
  signed: { S: 'sign only' },
  ctx: { S: 'in the encryption context' },
  note: { S: 'not signed' },
}


const ACTIONS = Object.fromEntries(Object.keys(ALL_TYPES).map((k) => [k, CryptoAction.ENCRYPT_AND_SIGN]))
Object.assign(ACTIONS, { pk: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', sk: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', signed: 'SIGN_ONLY', ctx: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', note: 'DO_NOTHING' })

for (const suite of [0x6701, 0x6700]) {
  test(`round trip of every type, suite 0x${suite.toString(16)}`, async () => {
    const enc = new ItemEncryptor({ tableName: 'users', partitionKey: 'pk', sortKey: 'sk', attributeActions: ACTIONS, allowedUnsignedAttributes: ['note'], keyring, algorithmSuiteId: suite })
    const stored = await enc.encryptItem(ALL_TYPES)
    assert.ok(stored.aws_dbe_head.B instanceof Uint8Array && stored.aws_dbe_foot.B instanceof Uint8Array)
    assert.ok(stored.s.B instanceof Uint8Array, 'encrypted attributes are B')
    assert.deepEqual(stored.signed, { S: 'sign only' })
    assert.deepEqual(stored.note, { S: 'not signed' })
    const back = await enc.decryptItem(stored)
    assert.ok(back.b.B instanceof Uint8Array && back.bs.BS[0] instanceof Uint8Array)
    assert.deepEqual(canon(back), canon(ALL_TYPES))
  })
}

test('marshall / unmarshall: two-line usage, types and errors', async () => {
  const enc = new ItemEncryptor({ tableName: 'people', partitionKey: 'id', attributeActions: { id: 'SIGN_ONLY' }, defaultAction: CryptoAction.ENCRYPT_AND_SIGN, keyring })
  const record = { id: 'p-1', name: 'Zoë', age: 41, score: 2.5, big: 12345678901234567890n, ok: true, none: null, tags: new Set(['a', 'b']), nums: new Set([1, 2]), raw: new Uint8Array([7]), list: [1, 'x', [true]], addr: { city: 'Köln', zip: '50667' } }
  const stored = await enc.encryptItem(marshall(record))
  const back = unmarshall(await enc.decryptItem(stored))
  assert.deepEqual(back, { ...record, big: '12345678901234567890' })
  assert.deepEqual(marshall({ a: 1, b: undefined }), { a: { N: '1' } })
  assert.deepEqual(unmarshall({ n: { N: '0055.50' }, m: { N: '1e2' }, k: { N: '7' } }), { n: '0055.50', m: '1e2', k: 7 })
  assert.throws(() => marshall({ s: new Set() }), sealkitError('ERR_INVALID_ARGUMENT', /'s'.*empty Set/))
  assert.throws(() => marshall({ n: NaN }), sealkitError('ERR_INVALID_ARGUMENT', /'n'/))
  assert.equal(CryptoAction.SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT, 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT')
})

test('tampering a signed attribute fails naming it; missing action names the attribute', async () => {
  const enc = new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', amount: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' }, keyring })
  const stored = await enc.encryptItem(marshall({ pk: 'a', amount: 10, secret: 's3cret' }))
  await assert.rejects(enc.decryptItem({ ...stored, amount: { N: '1000' } }), (e) => e instanceof SealkitError && /^ERR_/.test(e.code) && /amount|signature/i.test(e.message))
  const sec = new Uint8Array(stored.secret.B)
  sec[sec.length - 1] ^= 1
  await assert.rejects(enc.decryptItem({ ...stored, secret: { B: sec } }), sealkitError('ERR_ITEM', /secret/))
  await assert.rejects(enc.encryptItem(marshall({ pk: 'a', unknown: 'x' })), sealkitError('ERR_ITEM', /unknown/))
  await assert.rejects(enc.encryptItem(marshall({ amount: 1 })), sealkitError('ERR_ITEM', /pk/))
  assert.throws(() => new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'ENCRYPT' }, keyring }), sealkitError('ERR_INVALID_ARGUMENT', /pk/))
  await assert.rejects(enc.encryptItem({ pk: { S: 'a' }, amount: { X: '1' } }), (e) => e instanceof SealkitError && /amount/.test(e.message))
  await assert.rejects(enc.encryptItem({ pk: 'a' }), sealkitError('ERR_INVALID_ARGUMENT', /pk/))
})

test('ItemEncryptor with a KMS keyring (LocalKms)', async () => {
  const kms = new LocalKms()
  const c = kms.client({ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' })
  const { KeyMetadata } = await c.createKey({})
  const enc = new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', ssn: 'ENCRYPT_AND_SIGN' }, keyring: new AwsKmsKeyring({ provider: c, generatorKeyId: KeyMetadata.Arn }) })
  const stored = await enc.encryptItem(marshall({ pk: 'u', ssn: '123-45-6789' }))
  assert.deepEqual(unmarshall(await enc.decryptItem(stored)), { pk: 'u', ssn: '123-45-6789' })
})

test('DB-ESDK raw-AES vectors', async () => {
  const { passed, failed, total } = await runRawAesItemVectors(sealkit)
  console.log(`item vectors: ${passed} passed, ${failed.length} failed`)
  assert.deepEqual(failed, [])
  assert.equal(passed, total)
})

test('signed items (0x6701): node:crypto ECDSA and pure-wasm ECDSA read each other', async () => {
  const { execFileSync } = await import('node:child_process')
  const { PKG_DIR } = await import('./pkg.mjs')
  // Items cross the process boundary as JSON with B values in base64.
  const toJson = (item) => JSON.stringify(item, (k, v) => (v instanceof Uint8Array ? { b64: Buffer.from(v).toString('base64') } : v))
  const fromJson = (text) => JSON.parse(text, (k, v) => (v && typeof v.b64 === 'string' ? new Uint8Array(Buffer.from(v.b64, 'base64')) : v))
  const config = { tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN', signed: 'SIGN_ONLY' }, algorithmSuiteId: 0x6701 }
  const item = { pk: { S: 'p' }, secret: { S: 'top secret' }, signed: { N: '7' } }
  const script = `
    const m = require(${JSON.stringify(PKG_DIR + '/index.cjs')})
    const toJson = ${toJson.toString()}
    const fromJson = ${fromJson.toString()}
    const keyring = new m.RawAesKeyring({ keyNamespace: 'items', keyName: 'k1', wrappingKey: new Uint8Array(32).fill(3) })
    const enc = new m.ItemEncryptor({ ...${JSON.stringify(config)}, keyring })
    ;(async () => {
      const theirs = fromJson(require('fs').readFileSync(0, 'utf8'))
      const back = await enc.decryptItem(theirs)
      if (JSON.stringify(back) !== ${JSON.stringify(JSON.stringify(item))}) throw new Error('item differs')
      process.stdout.write(toJson(await enc.encryptItem(${JSON.stringify(item)})))
    })().catch((e) => { console.error(e); process.exit(1) })`
  const enc = new ItemEncryptor({ ...config, keyring })
  for (const env of [{ SEALKIT_PURE_WASM: '1' }, { SEALKIT_PURE_WASM: '' }]) {
    const mine = await enc.encryptItem(item)
    assert.equal(mine.aws_dbe_foot.B.length, 48 + 103)
    const out = execFileSync('node', ['-e', script], { input: toJson(mine), env: { ...process.env, ...env } })
    const theirs = fromJson(out.toString())
    assert.deepEqual(await enc.decryptItem(theirs), item)
    await assert.rejects(() => enc.decryptItem({ ...theirs, signed: { N: '8' } }), sealkitError('ERR_SIGNATURE_INVALID'))
  }
})

test('ItemEncryptor limits: attribute count, nesting depth, value length (ERR_ITEM_LIMIT, never the value)', async () => {
  const make = (limits) =>
    new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', e: 'ENCRYPT_AND_SIGN', s: 'SIGN_ONLY' }, keyring, algorithmSuiteId: 0x6700, limits })
  const enc = make({ maxAttributes: 3, maxDepth: 2, maxValueLength: 100 })
  const item = marshall({ pk: 'p', e: 'x'.repeat(100), s: [[null]] })
  const stored = await enc.encryptItem(item)
  assert.deepEqual(await enc.decryptItem(stored), item)
  await assert.rejects(enc.encryptItem({ ...item, e: { S: 'hunter2'.repeat(20) } }), (e) => sealkitError('ERR_ITEM_LIMIT', /'e'.*value length/)(e) && !/hunter2/.test(e.message))
  await assert.rejects(enc.encryptItem({ ...item, s: marshall({ s: [[[]]] }).s }), sealkitError('ERR_ITEM_LIMIT', /'s'.*nesting depth/))
  await assert.rejects(enc.encryptItem({ ...item, t: { NULL: true } }), sealkitError('ERR_ITEM_LIMIT', /attributes 4 exceeds the configured maximum of 3/))
  await assert.rejects(enc.decryptItem({ ...stored, ':x': { NULL: true } }), sealkitError('ERR_ITEM_LIMIT', /attributes/))
  // Defaults: DynamoDB's limits; a bad limit is refused when the encryptor is made.
  await make(undefined).encryptItem(marshall({ pk: 'p', e: 'x'.repeat(400 * 1024) }))
  await assert.rejects(make(undefined).encryptItem(marshall({ pk: 'p', e: 'x'.repeat(400 * 1024 + 1) })), sealkitError('ERR_ITEM_LIMIT'))
  for (const bad of [{ maxDepth: 33 }, { maxDepth: 0 }, { maxAttributes: -1 }, { maxValueLength: 1.5 }, 'x']) {
    assert.throws(() => make(bad), sealkitError('ERR_INVALID_ARGUMENT', /limits/), JSON.stringify(bad))
  }
})
