// The static server the Chromium tests load their pages from, on 127.0.0.1 (an ephemeral port).
// `pages`: path → HTML served as is; `roots`: URL prefix ('/pkg/') → directory served under it.
// Paths are normalized before lookup, and a file must lie inside its root. `onRequest(path)`
// sees every requested path, in order (the tests check which .wasm files a page fetched).
import { createServer } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { join, extname, normalize, sep } from 'node:path'

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' }

/** → `{ server, port }` once listening. */
export function serveStatic({ pages = {}, roots = {}, onRequest = () => {} }) {
  const dirs = Object.entries(roots).map(([prefix, dir]) => [prefix, dir.endsWith(sep) ? dir : dir + sep])
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname))
    onRequest(path)
    if (Object.prototype.hasOwnProperty.call(pages, path)) return res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path])
    const root = dirs.find(([prefix]) => path.startsWith(prefix))
    const file = root ? join(root[1], path.slice(root[0].length)) : null
    if (!file || !file.startsWith(root[1]) || !existsSync(file)) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': MIME[extname(file)] || 'application/octet-stream' }).end(readFileSync(file))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })))
}
