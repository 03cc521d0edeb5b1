// Serves the example page and the built package: node examples/browser/serve.mjs [port]
// (build the package first: scripts/build-wasm.sh). Open http://127.0.0.1:8080/
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const pkg = fileURLToPath(new URL('../../pkg/', import.meta.url))
const port = Number(process.argv[2] || process.env.PORT || 8080)
const types = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' }

createServer(async (req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname))
  if (path.includes('..')) return res.writeHead(400).end()
  if (path === '/') path = '/index.html'
  const file = path.startsWith('/pkg/') ? join(pkg, path.slice(5)) : join(here, path)
  try {
    const body = await readFile(file)
    res.writeHead(200, { 'content-type': types[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' }).end(body)
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found (did you run scripts/build-wasm.sh?)\n')
  }
})
  // port 0: an ephemeral port; the first line printed is the page's address
  .listen(port, '127.0.0.1', function () {
    console.log(`sealkit browser example: http://127.0.0.1:${this.address().port}/`)
  })
