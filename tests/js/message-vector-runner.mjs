// The ESDK message vector manifests of tests/vectors/esdk run through one entry's API, with no
// Node API, so that the same code runs in Node (vectors.test.mjs) and in a Chromium page
// (tests/browser/message-vectors.test.mjs). Every case is decrypted twice — one-shot, and through
// decryptStream fed in odd-sized chunks — and both must agree with the manifest: the expected
// plaintext, or a SealkitError with an ERR_ code that is not ERR_INTERNAL.
// `lite: true` (the sealkit/lite module): cases whose master keys include RSA are counted apart
// unrun, and AES-192 cases (suite or wrapping key) must fail with ERR_UNSUPPORTED where they
// should succeed, and are counted apart too.
// The caller reads the files (Node: fs; a page: fetch) and asserts on the tallies.
import { pipeChunks } from './pipe-chunks.mjs'

/** The sets and how many cases each holds: the Rust run's counts (614 in all). */
export const SETS = [
  ['net-4.0.1', 'manifest.json', 99],
  ['net-4.0.0-valid', 'manifest.json', 5],
  ['net-4.0.0-invalid', 'manifest.json', 28],
  ['python-4.0.7', 'manifest.json', 478],
  ['python-4.0.7', 'manifest-strict.json', 4],
]

// Odd sizes, so that headers, frames and signatures are split at arbitrary points.
const CHUNKS = [1, 333, 7, 5000, 64]
const AES192_SUITES = [0x0046, 0x0146, 0x0346]
const DEFAULT_POLICY = 'REQUIRE_ENCRYPT_ALLOW_DECRYPT'

const fromB64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
/** `run()` → { ok: its value } or { err: what it threw }. */
async function attempt(run) {
  try {
    return { ok: await run() }
  } catch (e) {
    return { err: e }
  }
}
function sameBytes(a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
/** A manifest's `file://` URI → the path relative to the manifest's directory. */
export const vectorPath = (uri) => uri.replace(/^file:\/\//, '')
// The suite id from a message's first bytes (v1: version, type, suite; v2: version, suite).
const suiteOf = (ct) => (ct[0] === 1 && ct.length >= 4 ? (ct[2] << 8) | ct[3] : ct[0] === 2 && ct.length >= 3 ? (ct[1] << 8) | ct[2] : undefined)

/**
 * A runner over one entry's API (`sealkit`: buildClient, RawAesKeyring, RawRsaKeyring,
 * MultiKeyring, SealkitError). Clients and keyrings are made once per runner and reused across
 * cases and manifests (RSA keys are parsed once, not per case).
 * `runManifest(manifest, keys, read)`: `keys` is the parsed keys file's `keys` object; `read(path)`
 * resolves to a file's bytes (a Uint8Array), `path` relative to the manifest's directory.
 * Resolves to { passed, failed: ['id: why'], rsa, aes192 }; `rsa` and `aes192` (the cases counted
 * apart) are 0 unless `lite`.
 */
export function createMessageVectorRunner(sealkit, { lite = false } = {}) {
  const { buildClient, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = sealkit
  const clients = {}
  const client = (t) => {
    const policy = t['x-commitment-policy'] || DEFAULT_POLICY
    return (clients[policy] ||= buildClient({ commitmentPolicy: policy }))
  }
  const keyringCache = new Map()

  function keyringFor(keys, mk) {
    // keyed by the key material too: two manifests may name different keys alike
    const id = JSON.stringify([mk, keys[mk.key]])
    if (keyringCache.has(id)) return keyringCache.get(id)
    const k = keys[mk.key]
    let kr
    if (mk['encryption-algorithm'] === 'aes') {
      kr = new RawAesKeyring({ keyNamespace: mk['provider-id'], keyName: k['key-id'], wrappingKey: fromB64(k.material) })
    } else {
      const padding = mk['padding-algorithm'] === 'pkcs1' ? 'pkcs1' : `oaep-${mk['padding-hash']}`
      const pem = k.type === 'private' ? { privateKey: k.material } : { publicKey: k.material }
      kr = new RawRsaKeyring({ keyNamespace: mk['provider-id'], keyName: k['key-id'], padding, ...pem })
    }
    keyringCache.set(id, kr)
    return kr
  }
  // One keyring for the case's master keys (a MultiKeyring of them when several); `multi` says
  // the caller owns it.
  function keyringOf(keys, t) {
    const krs = t['master-keys'].map((mk) => keyringFor(keys, mk))
    return krs.length === 1 ? { keyring: krs[0], multi: false } : { keyring: new MultiKeyring({ children: krs }), multi: true }
  }
  // The decrypt options the case asks for: its CMM, and streaming-unsigned-only.
  function optionsOf(t) {
    const opts = {}
    if (t.cmm === 'RequiredEncryptionContext') {
      opts.encryptionContext = t['encryption-context']
      opts.requiredEncryptionContextKeys = Object.keys(t['encryption-context'])
    }
    return { ...opts, unsignedOnly: t['decryption-method'] === 'streaming-unsigned-only' }
  }
  // Both ways of decrypting, in this order: [['one-shot', r], ['stream', r]], r = { ok: plaintext } or { err }.
  async function decryptBoth(t, keyring, ciphertext) {
    const c = client(t)
    const opts = optionsOf(t)
    return [
      ['one-shot', await attempt(async () => (await c.decrypt(keyring, ciphertext, { ...opts })).plaintext)],
      ['stream', await attempt(() => pipeChunks(c.decryptStream(keyring, { ...opts }), ciphertext, CHUNKS))],
    ]
  }
  const uses192 = (keys, t, ct) =>
    AES192_SUITES.includes(suiteOf(ct)) || t['master-keys'].some((mk) => mk['encryption-algorithm'] === 'aes' && fromB64(keys[mk.key].material).length === 24)

  const NOT_IN_LITE = Symbol('rsa keyring (not in sealkit/lite)')
  const AES192_IN_LITE = Symbol('AES-192 (ERR_UNSUPPORTED in sealkit/lite)')

  // One case → null (passed), NOT_IN_LITE / AES192_IN_LITE (counted apart), or why it failed.
  async function runCase(keys, t, read) {
    if (lite && t['master-keys'].some((mk) => mk['encryption-algorithm'] !== 'aes')) return NOT_IN_LITE
    const ciphertext = await read(vectorPath(t.ciphertext))
    if (lite && uses192(keys, t, ciphertext)) return liteAes192(keys, t, ciphertext)
    const { keyring, multi } = keyringOf(keys, t)
    const expected = t.result.output ? await read(vectorPath(t.result.output.plaintext)) : null
    for (const [how, r] of await decryptBoth(t, keyring, ciphertext)) {
      if (r.err) {
        if (!(r.err instanceof SealkitError) || !/^ERR_/.test(r.err.code)) return `${how}: non-SealkitError thrown: ${r.err}`
        if (r.err.code === 'ERR_INTERNAL') return `${how}: internal error ${r.err.message}`
        if (expected) return `${how}: expected success, got ${r.err.code}: ${r.err.message}`
      } else {
        if (!expected) return `${how}: expected an error, decryption succeeded`
        if (!sameBytes(r.ok, expected)) return `${how}: plaintext differs`
      }
    }
    if (multi) keyring.dispose()
    return null
  }

  // sealkit/lite and an AES-192 case: a message that should decrypt fails with ERR_UNSUPPORTED
  // (from the keyring's constructor, the one-shot call and the stream); one that should fail still
  // fails with a SealkitError.
  async function liteAes192(keys, t, ciphertext) {
    const expected = !!t.result.output
    const outcomes = []
    let keyring
    try {
      keyring = keyringOf(keys, t).keyring
    } catch (e) {
      outcomes.push(e)
    }
    if (keyring) {
      for (const [, r] of await decryptBoth(t, keyring, ciphertext)) {
        if (!r.err) return 'AES-192 case decrypted by sealkit/lite, which has no AES-192'
        outcomes.push(r.err)
      }
    }
    for (const e of outcomes) {
      if (!(e instanceof SealkitError)) return `non-SealkitError thrown: ${e}`
      if (expected && e.code !== 'ERR_UNSUPPORTED') return `expected ERR_UNSUPPORTED, got ${e.code}: ${e.message}`
    }
    return expected ? AES192_IN_LITE : null
  }

  async function runManifest(manifest, keys, read) {
    let passed = 0
    let rsa = 0
    let aes192 = 0
    const failed = []
    for (const [id, t] of Object.entries(manifest.tests)) {
      const why = await runCase(keys, t, read)
      if (why === NOT_IN_LITE) rsa++
      else if (why === AES192_IN_LITE) aes192++
      else if (why) failed.push(`${id}: ${why}`)
      else passed++
    }
    return { passed, failed, rsa, aes192 }
  }
  return { runManifest }
}
