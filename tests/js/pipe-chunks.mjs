// Byte helpers for the stream tests, with no Node API so that a Chromium page can import them
// too (pkg.mjs re-exports them for the Node suites).

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
