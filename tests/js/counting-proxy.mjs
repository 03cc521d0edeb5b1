// A counting HTTP proxy on 127.0.0.1 in front of a KMS endpoint (sealkit-key-server or moto):
// forwards every request unchanged (headers included, so SigV4 signatures still verify) and
// counts them by operation (the X-Amz-Target header, e.g. "TrentService.GenerateDataKey" →
// "GenerateDataKey"). → { url, count(op), counts, reset(), stop() }
import { createServer, request } from 'node:http'

export async function startCountingProxy(target) {
  const to = new URL(target)
  const counts = {}
  const server = createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] || '').split('.').pop() || 'unknown'
    counts[op] = (counts[op] || 0) + 1
    const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers)
      r.pipe(res)
    })
    out.on('error', (e) => {
      res.writeHead(502)
      res.end(String(e))
    })
    req.pipe(out)
  })
  // Keep-alive sockets would hold the server open after stop().
  server.keepAliveTimeout = 1
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}/`,
    counts,
    count: (op) => counts[op] || 0,
    reset: () => {
      for (const k of Object.keys(counts)) delete counts[k]
    },
    stop: () => new Promise((resolve) => {
      server.closeAllConnections?.()
      server.close(() => resolve())
    }),
  }
}
