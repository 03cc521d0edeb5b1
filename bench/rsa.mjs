// Raw RSA keyring decryption in Node: node:crypto (the Node entry's host, constant-time OpenSSL)
// against the module's own `rsa` 0.9 with blinding, on one instance of the built package, in
// interleaved rounds. Also client-node's RawRsaKeyringNode as the anchor. Usage:
//   cd bench && npm run bench:rsa        # BENCH_ROUNDS=5 BENCH_MS=1500
import { readFileSync } from 'node:fs'
import * as nodeCrypto from 'node:crypto'
import { pathToFileURL, fileURLToPath } from 'node:url'
import { rate, median } from './measure.mjs'
import { buildClient as awsBuildClient, CommitmentPolicy as AwsPolicy, RawRsaKeyringNode, oaepHashSupported } from '@aws-crypto/client-node'

const PKG = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../pkg/', import.meta.url))
const href = (f) => pathToFileURL(PKG + '/' + f).href
const glue = await import(href('sealkit_web.js'))
glue.initSync({ module: readFileSync(PKG + '/sealkit_bg.wasm') })
const { createApi } = await import(href('api.mjs'))
const { installNodeHost } = await import(href('node-host.mjs'))
const host = installNodeHost(glue, nodeCrypto)
const withHost = createApi(glue, { host })
const withoutHost = createApi(glue, {})
const ROUNDS = Number(process.env.BENCH_ROUNDS || 5)
const MS = Number(process.env.BENCH_MS || 1500)
const plaintext = nodeCrypto.randomBytes(1024)

console.log(`node ${process.version}; ${ROUNDS} interleaved rounds of ${MS} ms; 1 KiB messages, suite 0x0478 (the default), decrypts/s`)
console.log('| key | padding | node:crypto host | rsa 0.9 blinded (wasm) | client-node | host / wasm | host / client-node |')
console.log('|---|---|---:|---:|---:|---:|---:|')
for (const bits of [2048, 4096]) {
  const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync('rsa', { modulusLength: bits })
  const pub = publicKey.export({ type: 'spki', format: 'pem' })
  const priv = privateKey.export({ type: 'pkcs8', format: 'pem' })
  for (const [padding, awsPadding, hash] of [['oaep-sha256', nodeCrypto.constants.RSA_PKCS1_OAEP_PADDING, 'sha256'], ['oaep-sha1', nodeCrypto.constants.RSA_PKCS1_OAEP_PADDING, 'sha1']]) {
    const make = (api) => ({
      client: api.buildClient(api.CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT),
      keyring: new api.RawRsaKeyring({ keyNamespace: 'ns', keyName: 'rsa', padding, publicKey: pub, privateKey: priv }),
    })
    const a = make(withHost)
    const b = make(withoutHost)
    const { result } = await a.client.encrypt(a.keyring, plaintext)
    const aws = awsBuildClient(AwsPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    const awsKeyring = new RawRsaKeyringNode({ keyNamespace: 'ns', keyName: 'rsa', rsaKey: { privateKey: priv, publicKey: pub }, padding: awsPadding, oaepHash: oaepHashSupported ? hash : undefined })
    const rates = { host: [], wasm: [], aws: [] }
    for (let r = 0; r < ROUNDS; r++) {
      rates.host.push(await rate(() => a.client.decrypt(a.keyring, result), MS))
      rates.wasm.push(await rate(() => b.client.decrypt(b.keyring, result), MS))
      rates.aws.push(await rate(() => aws.decrypt(awsKeyring, result), MS))
    }
    const [h, w, c] = [median(rates.host), median(rates.wasm), median(rates.aws)]
    console.log(`| RSA-${bits} | ${padding} | ${h.toFixed(0)} | ${w.toFixed(0)} | ${c.toFixed(0)} | ${(h / w).toFixed(2)}× | ${(h / c).toFixed(2)}× |`)
  }
}
