// The official DB-ESDK item vectors over the hierarchical keyring (keys.json →
// static-branch-key-1) through the wasm build: every case of decrypt_{java,dotnet}_{32,33}.json
// and the DecryptTests of iotest.json, compared as tests/item_vectors.rs does (positive →
// expected plaintext after normalization, negative → error). Also the HierarchicalKeyring /
// KmsBranchKeyStore JS API. The vectors are vendored in tests/vectors/dbesdk.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sealkit } from './pkg.mjs'
import { HIERARCHICAL, runHierarchicalItemVectors } from './item-vector-files.mjs'

const { ItemEncryptor, HierarchicalKeyring, KmsBranchKeyStore, LocalKms, SealkitError, marshall, unmarshall } = sealkit

for (const [file, expected] of Object.entries(HIERARCHICAL)) {
  test(`DB-ESDK vectors ${file} (hierarchical keyring)`, async () => {
    const { passed, failed } = await runHierarchicalItemVectors(sealkit, file)
    console.log(`item vectors ${file}: ${passed} passed, ${failed.length} failed`)
    for (const f of failed) console.log(`  FAILED ${f}`)
    assert.deepEqual(failed, [])
    assert.equal(passed, expected, `${file}: expected ${expected} cases`)
  })
}

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
