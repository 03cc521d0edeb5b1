// The DB-ESDK item vector manifests of tests/vectors/dbesdk run through one entry's
// ItemEncryptor, with no Node API, so that the same code runs in Node and in a Chromium page:
// - the raw-AES manifest (written by the official `aws-db-esdk` crate): positive cases decrypt to
//   the expected plaintext (after DynamoDB normalization) and re-encrypt to themselves, negative
//   ones fail with a SealkitError;
// - the official decrypt manifests (Java and .NET, 3.2 and 3.3) and iotest.json's DecryptTests
//   over the static branch key of keys.json (HierarchicalKeyring), compared as
//   tests/item_vectors.rs does.
// The caller reads the files (Node: fs; a page: fetch) and asserts on the tallies.
import { canon } from './item-canon.mjs'

/** The hierarchical manifests and how many cases each holds (a missing or short file fails). */
export const HIERARCHICAL = { 'decrypt_java_32.json': 9, 'decrypt_java_33.json': 12, 'decrypt_dotnet_32.json': 9, 'decrypt_dotnet_33.json': 12, 'iotest.json': 2 }
/** The raw-AES manifest. */
export const RAW_AES = 'rawaes_rust_aws-db-esdk-1.3.0.json'
// The official vectors' implicit table and partition key (their README).
const TABLE = 'GazelleVectorTable'
const PARTITION_KEY = 'RecNum'

const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
// Canonical JSON: equal items give equal strings (canon sorts names and sets).
const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b))

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
/** A simplified item → DynamoDB JSON. */
const simplifiedItem = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, simplifiedValue(v)]))

function parseSuite(s) {
  if (s === undefined) return undefined
  if (s === 'ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384_SYMSIG_HMAC_SHA384') return 0x6701
  if (s === 'ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY_SYMSIG_HMAC_SHA384') return 0x6700
  const n = parseInt(s.replace(/^0x/, ''), 16)
  if (Number.isNaN(n)) throw new Error(`suite ${s}`)
  return n
}

/** keys.json → the HierarchicalKeyring of its static branch key. */
function staticBranchKeyring({ HierarchicalKeyring }, keys) {
  const k = keys.keys['static-branch-key-1']
  return new HierarchicalKeyring({ branchKeyId: k['key-id'], branchKey: { version: k.branchKeyVersion, key: fromB64(k.branchKey) } })
}

/** A vector "config" object → ItemEncryptor (defaults: the implicit table and partition key). */
function encryptorFor({ ItemEncryptor }, c, keyring, defaults = { tableName: TABLE, partitionKey: PARTITION_KEY }, suite = c.algorithmSuiteId) {
  return new ItemEncryptor({
    tableName: c.logicalTableName ?? defaults.tableName,
    partitionKey: c.partitionKeyName ?? defaults.partitionKey,
    sortKey: c.sortKeyName,
    attributeActions: c.attributeActionsOnEncrypt ?? {},
    allowedUnsignedAttributes: c.allowedUnsignedAttributes,
    allowedUnsignedAttributePrefix: c.allowedUnsignedAttributePrefix,
    algorithmSuiteId: parseSuite(suite),
    keyring,
  })
}

/** Positive (expected given): decrypts to it after normalization; negative: rejects with a SealkitError. */
async function checkDecrypt({ SealkitError }, enc, encrypted, expected) {
  let out
  try {
    out = await enc.decryptItem(encrypted)
  } catch (e) {
    if (expected === undefined && e instanceof SealkitError) return
    throw expected === undefined ? new Error(`expected a SealkitError, got ${e}`) : new Error(`expected success, got error: ${e.message}`)
  }
  if (expected === undefined) throw new Error('negative case decrypted')
  if (!same(out, expected)) throw new Error('plaintext differs')
  return out
}

/** The raw-AES manifest → { passed, failed: [descriptions], total }. */
export async function runRawAesManifest(sealkit, manifest) {
  const kr = manifest.keyring
  if (kr.type !== 'raw-aes') throw new Error(`keyring type ${kr.type}`)
  const keyring = new sealkit.RawAesKeyring({ keyNamespace: kr.keyNamespace, keyName: kr.keyName, wrappingKey: fromB64(kr.key) })
  let passed = 0
  const failed = []
  for (const [id, t] of Object.entries(manifest.tests)) {
    try {
      if (t.type !== 'positive-decrypt' && t.type !== 'negative-decrypt') throw new Error(`unknown test type ${t.type}`)
      const enc = encryptorFor(sealkit, t.config, keyring, { tableName: undefined, partitionKey: undefined }, t.algorithmSuite)
      // B/BS stay base64 strings on input (accepted as-is); compared through canonical JSON.
      await checkDecrypt(sealkit, enc, t.encrypted, t.type === 'positive-decrypt' ? t.plaintext : undefined)
      // and our own encryption of the plaintext decrypts back to it
      if (t.type === 'positive-decrypt' && !same(await enc.decryptItem(await enc.encryptItem(t.plaintext)), t.plaintext)) throw new Error('own round trip differs')
      passed++
    } catch (e) {
      failed.push(`${id} (${t.description}): ${e.message}`)
    }
  }
  return { passed, failed, total: Object.keys(manifest.tests).length }
}

/** One hierarchical manifest (a decrypt_* file or iotest.json) → { passed, failed, total }. */
export async function runHierarchicalManifest(sealkit, name, manifest, keys) {
  const keyring = staticBranchKeyring(sealkit, keys)
  let passed = 0
  const failed = []
  if (name === 'iotest.json') {
    for (const [i, t] of manifest.DecryptTests.entries()) {
      if (t.EncryptedRecords.length !== t.PlainTextRecords.length) failed.push(`DecryptTests[${i}]: record counts differ`)
      for (const [j, e] of t.EncryptedRecords.entries()) {
        try {
          await checkDecrypt(sealkit, encryptorFor(sealkit, t.Config, keyring), e, simplifiedItem(t.PlainTextRecords[j]))
          passed++
        } catch (err) {
          failed.push(`DecryptTests[${i}][${j}]: ${err.message}`)
        }
      }
    }
  } else {
    if (manifest.manifest.type !== 'aws-dbesdk-decrypt') failed.push(`manifest type ${manifest.manifest.type}`)
    for (const [id, t] of Object.entries(manifest.tests)) {
      try {
        const enc = encryptorFor(sealkit, t.config, keyring)
        if (t.type === 'positive-decrypt') await checkDecrypt(sealkit, enc, t.encrypted, simplifiedItem(t.plaintext))
        else if (t.type === 'negative-decrypt') await checkDecrypt(sealkit, enc, t.encrypted, undefined)
        else throw new Error(`unknown test type ${t.type}`)
        passed++
      } catch (e) {
        failed.push(`${id} (${t.description}): ${e.message}`)
      }
    }
  }
  return { passed, failed, total: HIERARCHICAL[name] }
}
