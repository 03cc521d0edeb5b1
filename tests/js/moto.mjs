// Starts moto's KMS (tests/tools/moto_server_mrkfix.py, in the repo's Python venv) on a free
// 127.0.0.1 port, waits until it answers, and stops it by PID. → { url, pid, stop() }
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..')
export const PYTHON = join(root, '.deps', 'venv', 'bin', 'python')
const MOTO = join(root, 'tests', 'tools', 'moto_server_mrkfix.py')

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })

export async function startMoto() {
  if (!existsSync(PYTHON)) throw new Error(`no Python venv at ${PYTHON} (scripts/setup-python.sh makes it)`)
  const port = await freePort()
  const child = spawn(PYTHON, [MOTO, '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/moto-api/`).then(() => true, () => false)) break
    if (i >= 150) {
      child.kill()
      throw new Error('moto did not start')
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url, pid: child.pid, stop: () => child.kill() }
}
