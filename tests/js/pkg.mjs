// Loads the built package (pkg/, from scripts/build-wasm.sh) the way Node users import it.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const PKG_DIR = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../../pkg/', import.meta.url))
if (!existsSync(PKG_DIR + '/index.node.mjs')) {
  throw new Error(`built package not found in ${PKG_DIR}: run scripts/build-wasm.sh first`)
}
export const ENTRY = process.env.SEALKIT_ENTRY === 'lite' ? 'lite' : 'node'
export const sealkit = ENTRY === 'lite' ? await loadLite() : await import(pathToFileURL(PKG_DIR + '/index.node.mjs').href)

/**
 * SEALKIT_ENTRY=lite: the `sealkit/lite` browser entry's module and wiring (WebCrypto ECDSA,
 * no node:crypto), loaded in Node, whose `crypto.subtle` is WebCrypto.
 */
export async function loadLite() {
  const { readFileSync } = await import('node:fs')
  const href = (f) => pathToFileURL(PKG_DIR + '/' + f).href
  const glue = await import(href('sealkit_lite_web.js'))
  const { createApi } = await import(href('api.mjs'))
  const { createLiteStubs } = await import(href('lite-stubs.mjs'))
  const { installWebCryptoHost } = await import(href('webcrypto-host.mjs'))
  glue.initSync({ module: readFileSync(PKG_DIR + '/sealkit_lite_bg.wasm') })
  installWebCryptoHost(glue, globalThis.crypto.subtle)
  return createApi(glue, { extend: createLiteStubs })
}
export const VECTORS = process.env.SEALKIT_VECTORS || '/work/shared/vectors/esdk'

/** Concatenates Uint8Arrays. */
export function concat(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let o = 0
  for (const c of chunks) {
    out.set(c, o)
    o += c.length
  }
  return out
}

/** Pushes `input` through a TransformStream in chunks of the given sizes (cycled); returns the output. */
export async function pipeChunks(stream, input, sizes = [1, 7, 100, 4096, 13, 65537]) {
  const readable = new ReadableStream({
    start(c) {
      let i = 0
      let k = 0
      while (i < input.length) {
        const n = sizes[k++ % sizes.length]
        c.enqueue(input.slice(i, i + n))
        i += n
      }
      c.close()
    },
  })
  const out = []
  const reader = readable.pipeThrough(stream).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    out.push(value)
  }
  return concat(out)
}
