// Starts sealkit-key-server on 127.0.0.1 (the one place tests and benches know its flags) and
// stops it by PID. The caller's credentials go through the environment, never the command line.
// `corsOrigins`: page origins allowed to call it from a browser. → { url, pid, stop() }
import { spawn } from 'node:child_process'

export async function startKeyServer({ binary, accessKeyId, secretAccessKey, principal = 'arn:aws:iam::111122223333:root', corsOrigins = [] }) {
  if (!binary) throw new Error('no sealkit-key-server binary (SEALKIT_KEY_SERVER; scripts/test-js.sh builds it)')
  const env = { ...process.env, SEALKIT_KEY_SERVER_CREDENTIALS: `${accessKeyId}:${secretAccessKey}:${principal}` }
  const child = spawn(binary, corsOrigins.flatMap((o) => ['--cors-origin', o]), { stdio: ['ignore', 'pipe', 'inherit'], env })
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => {
      const m = /(http:\/\/\S+)/.exec(String(d))
      m ? resolve(m[1].replace(/\/?$/, '/')) : reject(new Error(`unexpected key server output: ${d}`))
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`key server exited with ${code}`)))
  })
  return { url, pid: child.pid, stop: () => child.kill() }
}
