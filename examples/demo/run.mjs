// The npm package demo (run by scripts/demo.sh, which builds pkg/ and installs sql.js and
// playwright-core first):
//   node examples/demo/run.mjs --key-server BIN --chromium PATH --screenshot FILE.png
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { messageDemo } from './message.mjs'
import { sqliteDemo } from './sqlite-records.mjs'
import { startKeyServer } from './key-server.mjs'
import { kmsServerDemo } from './kms-server.mjs'
import { offlineRsaDemo } from './offline-rsa.mjs'
import { browserDemo } from './browser-screenshot.mjs'

const { values: opt } = parseArgs({
  options: { 'key-server': { type: 'string' }, chromium: { type: 'string' }, screenshot: { type: 'string' } },
})
for (const k of ['key-server', 'chromium', 'screenshot']) if (!opt[k]) throw new Error(`--${k} is required`)

let n = 3 // steps 1 and 2 of scripts/demo.sh are the Rust library and the CLI
const step = (title) => console.log(`\n######## ${n++}. the npm package ${title}`)
const log = (line) => console.log(`  ${line}`)
const work = mkdtempSync(join(tmpdir(), 'sealkit-demo-'))
try {
  step('in Node: a message with a raw AES keyring')
  await messageDemo(log)

  step("in Node: a record's fields encrypted one by one, stored in SQLite (sql.js)")
  await sqliteDemo(log, work)

  const server = await startKeyServer(opt['key-server'])
  try {
    step('in Node: AwsKmsKeyring against sealkit-key-server over HTTP + SigV4')
    log(`sealkit-key-server started on ${server.url} (pid ${server.pid})`)
    const provider = await kmsServerDemo(log, server)

    step('in Node: offline encryption with a downloaded KMS RSA public key, decrypted later through the server')
    await offlineRsaDemo(log, provider)
  } finally {
    await server.stop()
    log(`sealkit-key-server (pid ${server.pid}) stopped`)
  }

  step('in headless Chromium: the browser example (examples/browser)')
  await browserDemo(log, { chromiumPath: opt.chromium, screenshot: opt.screenshot })
} finally {
  rmSync(work, { recursive: true, force: true })
}
