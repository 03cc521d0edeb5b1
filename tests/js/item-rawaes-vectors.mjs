// Every case of the raw-AES DB-ESDK vector manifest (tests/vectors/dbesdk, written by the
// official `aws-db-esdk` crate) through one entry's ItemEncryptor: positive cases decrypt to
// the expected plaintext (after DynamoDB normalization) and re-encrypt to themselves, negative
// ones fail with a SealkitError. Shared by the item suite (Node entry) and the lite suite
// (the small module, WebCrypto signatures).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { canon } from './item-canon.mjs'

const VECTORS = fileURLToPath(new URL('../vectors/dbesdk/rawaes_rust_aws-db-esdk-1.3.0.json', import.meta.url))

/** → { passed, failed: [descriptions], total } */
export async function runRawAesItemVectors({ ItemEncryptor, RawAesKeyring, SealkitError }) {
  const manifest = JSON.parse(readFileSync(VECTORS, 'utf8'))
  const kr = manifest.keyring
  assert.equal(kr.type, 'raw-aes')
  const keyring = new RawAesKeyring({ keyNamespace: kr.keyNamespace, keyName: kr.keyName, wrappingKey: Buffer.from(kr.key, 'base64') })
  let passed = 0
  const failed = []
  for (const [id, t] of Object.entries(manifest.tests)) {
    const c = t.config
    try {
      const enc = new ItemEncryptor({
        tableName: c.logicalTableName,
        partitionKey: c.partitionKeyName,
        sortKey: c.sortKeyName,
        attributeActions: c.attributeActionsOnEncrypt,
        allowedUnsignedAttributes: c.allowedUnsignedAttributes,
        allowedUnsignedAttributePrefix: c.allowedUnsignedAttributePrefix,
        algorithmSuiteId: t.algorithmSuite ? parseInt(t.algorithmSuite, 16) : undefined,
        keyring,
      })
      // B/BS stay base64 strings on input (accepted as-is); compare through DynamoDB JSON.
      let out
      try {
        out = await enc.decryptItem(t.encrypted)
      } catch (e) {
        if (t.type === 'negative-decrypt' && e instanceof SealkitError) {
          passed++
          continue
        }
        throw e
      }
      if (t.type === 'negative-decrypt') throw new Error('decrypted, expected an error')
      // DynamoDB semantics: numbers come back normalized and sets in canonical order.
      assert.deepEqual(canon(out), canon(t.plaintext))
      // and our own encryption of the plaintext decrypts back to it
      assert.deepEqual(canon(await enc.decryptItem(await enc.encryptItem(t.plaintext))), canon(t.plaintext))
      passed++
    } catch (e) {
      failed.push(`${id} (${t.description}): ${e.message}`)
    }
  }
  return { passed, failed, total: Object.keys(manifest.tests).length }
}
