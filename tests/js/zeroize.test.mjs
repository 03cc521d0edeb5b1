// No plaintext is left in wasm memory after the package has encrypted or decrypted it: the
// test scans the module's whole linear memory (which any JS holding the module could read) for
// pieces of a random plaintext after one-shot calls and streams, signed and unsigned, held
// (verify-before-release) and released frames. Runs on its own instances of the full module
// (pure wasm, no node:crypto host, so the frames are sealed and opened in wasm memory) and of
// the small module (WebCrypto ECDSA).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { PKG_DIR, pipeChunks } from './pkg.mjs'

const href = (f) => pathToFileURL(PKG_DIR + '/' + f).href
const { createApi } = await import(href('api.mjs'))
const { installWebCryptoHost } = await import(href('webcrypto-host.mjs'))
const { createDriver } = await import(href('driver.mjs'))

async function instance(glueFile, wasmFile, setup) {
  const glue = await import(href(glueFile) + '?zeroize')
  const exports = glue.initSync({ module: readFileSync(PKG_DIR + '/' + wasmFile) })
  return { api: createApi(glue, { driver: setup && setup(glue) }), memory: exports.memory }
}

// Pieces of the plaintext found in `memory` (16-byte probes at many offsets).
function leftovers(memory, plaintext) {
  const mem = Buffer.from(memory.buffer)
  const found = []
  for (let off = 0; off + 16 <= plaintext.length; off += 509) {
    const at = mem.indexOf(plaintext.subarray(off, off + 16))
    if (at >= 0) found.push(`plaintext[${off}..] at wasm ${at}`)
  }
  return found
}

for (const [name, glueFile, wasmFile, setup] of [
  ['full module, pure wasm', 'sealkit_web.js', 'sealkit_bg.wasm'],
  ['small module, WebCrypto ECDSA', 'sealkit_lite_web.js', 'sealkit_lite_bg.wasm', (g) => createDriver(g, installWebCryptoHost(g, globalThis.crypto.subtle))],
]) {
  test(`${name}: no plaintext left in wasm memory`, async () => {
    const { api, memory } = await instance(glueFile, wasmFile, setup)
    const keyring = new api.RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: randomBytes(32) })
    const { encrypt, decrypt, encryptStream, decryptStream } = api.buildClient()
    let checks = 0
    for (const suiteId of [0x0478, 0x0578]) {
      for (const frameLength of [1000, 65536]) {
        const plaintext = randomBytes(40000)
        const one = await encrypt(keyring, plaintext, { suiteId, frameLength })
        const streamed = await pipeChunks(encryptStream(keyring, { suiteId, frameLength }), plaintext)
        assert.deepEqual(leftovers(memory, plaintext), [], `encrypt ${suiteId} ${frameLength}`)
        assert.deepEqual(Buffer.from((await decrypt(keyring, one.result)).plaintext), plaintext)
        for (const signedMessages of ['verify-before-release', 'release-unverified-frames']) {
          if (suiteId === 0x0478 && signedMessages !== 'verify-before-release') continue
          const out = await pipeChunks(decryptStream(keyring, { signedMessages }), streamed)
          assert.deepEqual(Buffer.from(out), plaintext)
        }
        assert.deepEqual(leftovers(memory, plaintext), [], `decrypt ${suiteId} ${frameLength}`)
        checks++
      }
    }
    // the probe finds what is there: plaintext inside a live (not yet zeroized) buffer
    const probe = randomBytes(4096)
    new Uint8Array(memory.buffer).set(probe, memory.buffer.byteLength - 8192)
    assert.equal(leftovers(memory, probe).length, Math.floor((4096 - 16) / 509) + 1)
    new Uint8Array(memory.buffer).fill(0, memory.buffer.byteLength - 8192)
    console.log(`zeroize: ${name}: ${checks} suite/frame combinations, no plaintext left in ${memory.buffer.byteLength} bytes of wasm memory`)
  })
}
