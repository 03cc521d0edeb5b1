// Loads the built package (pkg/, from scripts/build-wasm.sh) the way Node users import it.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const PKG_DIR = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../../pkg/', import.meta.url))
if (!existsSync(PKG_DIR + '/index.node.mjs')) {
  throw new Error(`built package not found in ${PKG_DIR}: run scripts/build-wasm.sh first`)
}
export const sealkit = await import(pathToFileURL(PKG_DIR + '/index.node.mjs').href)
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
