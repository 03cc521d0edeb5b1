// Every case of the ESDK message vectors through the wasm build (one-shot decrypt, and the
// decrypt TransformStream fed in odd-sized chunks). Per-set counts must equal the Rust run's.
// SEALKIT_ENTRY=lite runs them through the sealkit/lite module (WebCrypto crypto): cases whose
// master keys include RSA (not in lite) are counted apart; AES-192 cases (suite or wrapping key;
// not in the small module) must fail with ERR_UNSUPPORTED where they should succeed, and are
// counted apart too; every other case must pass.
// SEALKIT_ENTRY=browser runs them through the default browser entry's wiring: all cases pass, the
// RSA ones in the full module it loads on demand.
// The per-case checks live in message-vector-runner.mjs (shared with the Chromium run,
// tests/browser/message-vectors.test.mjs); this file reads the files and reports.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sealkit, VECTORS, ENTRY } from './pkg.mjs'
import { SETS, createMessageVectorRunner, vectorPath } from './message-vector-runner.mjs'

const runner = createMessageVectorRunner(sealkit, { lite: ENTRY === 'lite' })

console.log(
  `AES-GCM frames and ECDSA signatures: ${
    ENTRY === 'lite'
      ? 'sealkit/lite module, WebCrypto ECDSA'
      : ENTRY === 'browser'
        ? 'default browser entry: small module with WebCrypto ECDSA, RSA cases in the full module loaded on demand'
        : process.env.SEALKIT_PURE_WASM === '1' ? 'pure wasm' : 'node:crypto host (SEALKIT_PURE_WASM unset)'
  }`,
)
const totals = []
const liteTotals = []
for (const [set, manifestName, expectedCount] of SETS) {
  test(`esdk vectors ${set}/${manifestName}`, async () => {
    const dir = join(VECTORS, set)
    const manifest = JSON.parse(readFileSync(join(dir, manifestName), 'utf8'))
    const keys = JSON.parse(readFileSync(join(dir, vectorPath(manifest.keys)), 'utf8')).keys
    const { passed, failed, rsa, aes192 } = await runner.runManifest(manifest, keys, (path) => readFileSync(join(dir, path)))
    const apart = ENTRY === 'lite' ? ` (+ ${rsa} RSA cases, not in sealkit/lite; + ${aes192} AES-192 cases refused with ERR_UNSUPPORTED)` : ''
    console.log(`esdk vectors ${set}/${manifestName}: ${passed} passed, ${failed.length} failed${apart}`)
    totals.push(passed + rsa + aes192)
    liteTotals.push(passed)
    assert.deepEqual(failed, [])
    assert.equal(passed + rsa + aes192, expectedCount)
  })
}

test('esdk vectors total', () => {
  const total = totals.reduce((a, b) => a + b, 0)
  const lite = liteTotals.reduce((a, b) => a + b, 0)
  if (ENTRY === 'lite') console.log(`esdk vectors total: ${lite} passed through sealkit/lite, ${total - lite} RSA and AES-192 cases apart (614 cases)`)
  else console.log(`esdk vectors total: ${total} passed (expected 614)`)
  assert.equal(total, 614)
})
