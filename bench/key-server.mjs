// Starts sealkit-key-server on 127.0.0.1 for the harnesses through the tests' helper (the one
// place that knows the server's flags). SEALKIT_KEY_SERVER names the binary; otherwise cargo
// builds it (debug profile) first. → { url, stop() }; stop() kills the process by PID.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startKeyServer as start } from '../tests/js/key-server.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

function binary() {
  if (process.env.SEALKIT_KEY_SERVER) return process.env.SEALKIT_KEY_SERVER
  const out = execFileSync('cargo', ['build', '-q', '-p', 'sealkit-key-server', '--message-format=json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 })
  for (const line of out.split('\n').reverse()) {
    if (!line.startsWith('{')) continue
    const m = JSON.parse(line)
    if (m.reason === 'compiler-artifact' && m.executable && m.target.name === 'sealkit-key-server') return m.executable
  }
  throw new Error('cargo did not report the sealkit-key-server binary')
}

export const startKeyServer = (credentials) => start({ binary: binary(), ...credentials })
