// Starting and stopping sealkit-key-server for the demo: the one place that knows its
// command-line flags. It binds an ephemeral port on 127.0.0.1, requires SigV4 with one access
// key (given through the environment, never on the command line, where other local users could
// read it), and prints "listening on http://127.0.0.1:PORT" as its first line.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** The demo's access key (a KMS caller identity the server knows; not an AWS credential). */
export const DEMO_CREDENTIALS = { accessKeyId: 'AKIDSEALKITDEMO', secretAccessKey: 'demo-secret-not-for-production' }
export const DEMO_PRINCIPAL = 'arn:aws:iam::111122223333:user/demo'

/** Starts the server binary; resolves to { url, pid, stop() } once it listens. */
export async function startKeyServer(binary) {
  const { accessKeyId, secretAccessKey } = DEMO_CREDENTIALS
  const proc = spawn(binary, ['--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SEALKIT_KEY_SERVER_CREDENTIALS: `${accessKeyId}:${secretAccessKey}:${DEMO_PRINCIPAL}` },
  })
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve)
    proc.once('error', reject)
    proc.once('exit', (code) => reject(new Error(`sealkit-key-server exited with ${code}`)))
  })
  const m = /listening on (http:\/\/\S+)/.exec(line)
  if (!m) {
    proc.kill()
    throw new Error(`sealkit-key-server: unexpected first line ${JSON.stringify(line)}`)
  }
  const stop = () =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve()
      proc.once('exit', () => resolve())
      process.kill(proc.pid, 'SIGTERM')
    })
  return { url: m[1], pid: proc.pid, stop }
}
