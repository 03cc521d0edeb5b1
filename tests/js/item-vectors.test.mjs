// The official DB-ESDK item vectors over the hierarchical keyring (keys.json →
// static-branch-key-1) through the wasm build: every case of decrypt_{java,dotnet}_{32,33}.json
// and the DecryptTests of iotest.json, compared as tests/item_vectors.rs does (positive →
// expected plaintext after normalization, negative → error). Also the HierarchicalKeyring /
// KmsBranchKeyStore JS API. The vectors are vendored in tests/vectors/dbesdk.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sealkit } from './pkg.mjs'
import { canon } from './item-canon.mjs'

const { ItemEncryptor, HierarchicalKeyring, KmsBranchKeyStore, LocalKms, SealkitError, marshall, unmarshall } = sealkit
const DIR = fileURLToPath(new URL('../vectors/dbesdk', import.meta.url))
const TABLE = 'GazelleVectorTable'
const PARTITION_KEY = 'RecNum'
const EXPECTED = { 'decrypt_java_32.json': 9, 'decrypt_java_33.json': 12, 'decrypt_dotnet_32.json': 9, 'decrypt_dotnet_33.json': 12, 'iotest.json': 2 }
// The vectors must be there: a missing file fails the run (a skipped vector is a defect).
if (!existsSync(join(DIR, 'keys.json'))) throw new Error(`${DIR}/keys.json not found`)

const readJson = (f) => JSON.parse(readFileSync(join(DIR, f), 'utf8'))


/** The vectors' "simplified" values (as tests/support/item.rs): bare string → S, bare number → N,
 *  otherwise typed DynamoDB JSON whose L/M members and NS members may again be simplified. */
function simplifiedValue(v) {
  if (typeof v === 'string') return { S: v }
  if (typeof v === 'number') return { N: String(v) }
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1) {
    const [tag, inner] = Object.entries(v)[0]
    if (tag === 'L') return { L: inner.map(simplifiedValue) }
    if (tag === 'M') return { M: simplifiedItem(inner) }
    if (tag === 'NS') return { NS: inner.map((n) => (typeof n === 'number' ? String(n) : n)) }
    return v
  }
  throw new Error(`unsupported simplified value ${JSON.stringify(v)}`)
}
const simplifiedItem = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, simplifiedValue(v)]))

function parseSuite(s) {
  if (s === undefined) return undefined
  if (s === 'ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384_SYMSIG_HMAC_SHA384') return 0x6701
  if (s === 'ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_SYMSIG_HMAC_SHA384') return 0x6700
  const n = parseInt(s.replace(/^0x/, ''), 16)
  if (Number.isNaN(n)) throw new Error(`suite ${s}`)
  return n
}

function staticBranchKeyring() {
  const k = readJson('keys.json').keys['static-branch-key-1']
  return new HierarchicalKeyring({ branchKeyId: k['key-id'], branchKey: { version: k.branchKeyVersion, key: Buffer.from(k.branchKey, 'base64') } })
}

/** A vector "config" object → ItemEncryptor (defaults: the README's implicit table and partition key). */
function encryptorFor(c, keyring) {
  return new ItemEncryptor({
    tableName: c.logicalTableName ?? TABLE,
    partitionKey: c.partitionKeyName ?? PARTITION_KEY,
    sortKey: c.sortKeyName,
    attributeActions: c.attributeActionsOnEncrypt ?? {},
    allowedUnsignedAttributes: c.allowedUnsignedAttributes,
    allowedUnsignedAttributePrefix: c.allowedUnsignedAttributePrefix,
    algorithmSuiteId: parseSuite(c.algorithmSuiteId),
    keyring,
  })
}

/** Positive (expected given): decrypts to it after normalization; negative: rejects with a SealkitError. */
async function checkDecrypt(enc, encrypted, expected) {
  let out
  try {
    out = await enc.decryptItem(encrypted)
  } catch (e) {
    if (expected === undefined && e instanceof SealkitError) return
    throw expected === undefined ? new Error(`expected a SealkitError, got ${e}`) : new Error(`expected success, got error: ${e.message}`)
  }
  if (expected === undefined) throw new Error('negative case decrypted')
  assert.deepEqual(canon(out), canon(expected), 'plaintext differs')
}

function report(file, passed, failed) {
  console.log(`item vectors ${file}: ${passed} passed, ${failed.length} failed`)
  for (const f of failed) console.log(`  FAILED ${f}`)
  assert.deepEqual(failed, [])
  assert.equal(passed, EXPECTED[file], `${file}: expected ${EXPECTED[file]} cases`)
}

for (const file of ['decrypt_java_32.json', 'decrypt_java_33.json', 'decrypt_dotnet_32.json', 'decrypt_dotnet_33.json']) {
  test(`DB-ESDK vectors ${file} (hierarchical keyring)`, async () => {
    const manifest = readJson(file)
    assert.equal(manifest.manifest.type, 'aws-dbesdk-decrypt')
    const keyring = staticBranchKeyring()
    let passed = 0
    const failed = []
    for (const [id, t] of Object.entries(manifest.tests)) {
      try {
        const enc = encryptorFor(t.config, keyring)
        if (t.type === 'positive-decrypt') await checkDecrypt(enc, t.encrypted, simplifiedItem(t.plaintext))
        else if (t.type === 'negative-decrypt') await checkDecrypt(enc, t.encrypted, undefined)
        else throw new Error(`unknown test type ${t.type}`)
        passed++
      } catch (e) {
        failed.push(`${id} (${t.description}): ${e.message}`)
      }
    }
    report(file, passed, failed)
  })
}

test('DB-ESDK vectors iotest.json DecryptTests (hierarchical keyring)', async () => {
  const manifest = readJson('iotest.json')
  const keyring = staticBranchKeyring()
  let passed = 0
  const failed = []
  manifest.DecryptTests.forEach((t) => assert.equal(t.EncryptedRecords.length, t.PlainTextRecords.length))
  for (const [i, t] of manifest.DecryptTests.entries()) {
    for (const [j, e] of t.EncryptedRecords.entries()) {
      try {
        await checkDecrypt(encryptorFor(t.Config, keyring), e, simplifiedItem(t.PlainTextRecords[j]))
        passed++
      } catch (err) {
        failed.push(`DecryptTests[${i}][${j}]: ${err.message}`)
      }
    }
  }
  report('iotest.json', passed, failed)
})

test('HierarchicalKeyring: static branch key round trip, both suites; argument errors', async () => {
  const branchKey = { version: 'e9ce18a3-edb5-4272-9f86-1cacb7997ff6', key: new Uint8Array(32).fill(7) }
  const keyring = new HierarchicalKeyring({ branchKeyId: 'bk-1', branchKey })
  assert.equal(keyring.branchKeyId, 'bk-1')
  for (const algorithmSuiteId of [0x6700, 0x6701]) {
    const enc = new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' }, keyring, algorithmSuiteId })
    const stored = await enc.encryptItem(marshall({ pk: 'a', secret: 's3cret' }))
    assert.deepEqual(unmarshall(await enc.decryptItem(stored)), { pk: 'a', secret: 's3cret' })
    // another branch key (same id and version) cannot unwrap it
    const other = new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' }, keyring: new HierarchicalKeyring({ branchKeyId: 'bk-1', branchKey: { ...branchKey, key: new Uint8Array(32).fill(8) } }), algorithmSuiteId })
    await assert.rejects(other.decryptItem(stored), (e) => e instanceof SealkitError)
  }
  const bad = (o, re) => assert.throws(() => new HierarchicalKeyring(o), (e) => e instanceof SealkitError && e.code === 'ERR_INVALID_ARGUMENT' && re.test(e.message))
  bad({ branchKeyId: 'x', branchKey: { ...branchKey, key: new Uint8Array(16) } }, /32 bytes/)
  bad({ branchKeyId: 'x', branchKey: { ...branchKey, version: 'not-a-uuid' } }, /uuid|version/i)
  bad({ branchKeyId: '', branchKey }, /empty/)
  bad({ branchKeyId: 'x' }, /exactly one/)
  bad({ branchKeyId: 'x', keyStore: {} }, /KmsBranchKeyStore/)
  keyring.dispose()
  assert.ok(keyring.disposed)
})

test('HierarchicalKeyring over a KmsBranchKeyStore (LocalKms): create, encrypt, rotate, decrypt old', async () => {
  const kms = new LocalKms()
  const c = kms.client({ region: 'us-east-1', principal: 'arn:aws:iam::111122223333:root' })
  const { KeyMetadata } = await c.createKey({})
  const keyStore = new KmsBranchKeyStore({ provider: c, kmsKeyId: KeyMetadata.Arn, logicalKeyStoreName: 'items-store' })
  const branchKeyId = await keyStore.createBranchKey()
  assert.match(branchKeyId, /^[0-9a-f-]{36}$/)
  assert.equal(await keyStore.createBranchKey('tenant-a'), 'tenant-a')
  await assert.rejects(keyStore.createBranchKey('tenant-a'), (e) => e instanceof SealkitError && /exists/.test(e.message))
  const cfg = { tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', v: 'ENCRYPT_AND_SIGN' } }
  const enc = new ItemEncryptor({ ...cfg, keyring: new HierarchicalKeyring({ keyStore, branchKeyId }) })
  const before = await enc.encryptItem(marshall({ pk: 'a', v: 1 }))
  const version = await keyStore.versionBranchKey(branchKeyId)
  assert.match(version, /^[0-9a-f-]{36}$/)
  // a fresh keyring (empty cache) still decrypts the old version and encrypts under the new one
  const enc2 = new ItemEncryptor({ ...cfg, keyring: new HierarchicalKeyring({ keyStore, branchKeyId }) })
  assert.deepEqual(unmarshall(await enc2.decryptItem(before)), { pk: 'a', v: 1 })
  assert.deepEqual(unmarshall(await enc2.decryptItem(await enc2.encryptItem(marshall({ pk: 'b', v: 2 })))), { pk: 'b', v: 2 })
  await assert.rejects(keyStore.versionBranchKey('nope'), (e) => e instanceof SealkitError)
  const wrong = new ItemEncryptor({ ...cfg, keyring: new HierarchicalKeyring({ keyStore, branchKeyId: 'tenant-a' }) })
  await assert.rejects(wrong.decryptItem(before), (e) => e instanceof SealkitError)
})
