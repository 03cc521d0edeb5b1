// Starts sealkit-key-server on 127.0.0.1 for the harnesses (one place that knows its flags).
// SEALKIT_KEY_SERVER names the binary; otherwise cargo builds it (debug profile) first.
// → { url, stop() }; stop() kills the process by PID.
import { spawn, execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

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

export async function startKeyServer({ accessKeyId, secretAccessKey }, principal = 'arn:aws:iam::111122223333:root') {
  const child = spawn(binary(), ['--credentials', `${accessKeyId}:${secretAccessKey}:${principal}`], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => {
      const m = /(http:\/\/\S+)/.exec(String(d))
      m ? resolve(m[1]) : reject(new Error(`unexpected key server output: ${d}`))
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`key server exited with ${code}`)))
  })
  return { url, stop: () => child.kill() }
}
