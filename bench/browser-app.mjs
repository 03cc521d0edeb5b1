// Runs in Chromium (bench/browser.mjs bundles it with esbuild): sealkit's default browser entry,
// sealkit/full and @aws-crypto/client-browser in one page, same raw AES-256 key, context, sizes
// and frame length (4096); rounds interleave the three; medians of per-round rates.
import * as sealkit from 'sealkit'
import * as sealkitFull from 'sealkit/full'
import { buildClient, CommitmentPolicy, RawAesKeyringWebCrypto, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-browser'
// client-browser needs a Buffer (its README asks apps to provide one); sealkit does not.
import { Buffer } from 'buffer'
import { rate as measureRate, median } from './measure.mjs'

globalThis.Buffer ||= Buffer

window.runBench = async ({ rounds, batchMs }) => {
  const key = new Uint8Array(32).map((_, i) => i * 7 + 1)
  const ec = { purpose: 'bench', tenant: 'acme' }
  const suite = RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING
  const esdkKeyring = new RawAesKeyringWebCrypto({ keyNamespace: 'bench', keyName: 'aes-256', wrappingSuite: suite, masterKey: await RawAesKeyringWebCrypto.importCryptoKey(key.slice(), suite) })
  const esdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  const impls = [
    ['sealkit', sealkit.buildClient(), new sealkit.RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: key })],
    ['sealkit/full', sealkitFull.buildClient(), new sealkitFull.RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: key })],
    ['client-browser', esdk, esdkKeyring],
  ]
  const rate = (fn) => measureRate(fn, batchMs)
  const rows = []
  for (const size of [1024, 1024 * 1024]) {
    const pt = new Uint8Array(size).map((_, i) => i & 0xff)
    for (const suiteId of [0x0478, 0x0578]) {
      const ct = (await esdk.encrypt(esdkKeyring, pt, { suiteId, encryptionContext: ec })).result
      for (const op of ['encrypt', 'decrypt']) {
        const fns = impls.map(([, c, k]) => (op === 'encrypt' ? () => c.encrypt(k, pt, { suiteId, encryptionContext: ec }) : () => c.decrypt(k, ct)))
        for (const fn of fns) {
          const r = await fn() // warm-up, and a check that every implementation reads the ESDK's message
          if (op === 'decrypt' && r.plaintext.length !== size) throw new Error('decrypt mismatch')
        }
        rows.push({ size, suiteId, op, fns, rates: impls.map(() => []) })
      }
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const r of rows) {
      const order = round % 2 ? [2, 1, 0] : [0, 1, 2]
      for (const i of order) r.rates[i].push(await rate(r.fns[i]))
    }
  }
  return {
    names: impls.map(([n]) => n),
    rows: rows.map((r) => ({ size: r.size, suiteId: r.suiteId, op: r.op, medians: r.rates.map(median) })),
    userAgent: navigator.userAgent,
  }
}
window.benchReady = true
