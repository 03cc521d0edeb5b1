// Timing helpers shared by the benchmarks (Node and, bundled, the browser page): no imports.

/** Calls `fn` (awaited) for at least `batchMs` milliseconds and twice → calls per second. */
export async function rate(fn, batchMs) {
  let n = 0
  const start = performance.now()
  let now = start
  while (now - start < batchMs || n < 2) {
    await fn()
    n++
    now = performance.now()
  }
  return (n * 1000) / (now - start)
}

/** The median (upper median for even lengths). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
