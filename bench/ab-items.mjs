// Interleaved A/B of item encryption between two built packages in one process (for humans):
// SEALKIT_PKG_A=<pkg> SEALKIT_PKG_B=<pkg> node ab-items.mjs [rounds]
import { pathToFileURL } from 'node:url'
import { benchItem } from './item-fixture.mjs'
const rounds = Number(process.argv[2] || 15)
async function setup(dir) {
  const { ItemEncryptor, RawAesKeyring, CryptoAction, marshall } = await import(pathToFileURL(`${dir}/index.node.mjs`).href)
  const { record, config } = benchItem(CryptoAction)
  const item = marshall(record)
  const enc = new ItemEncryptor({ ...config,
    keyring: new RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: new Uint8Array(32).fill(7) }), algorithmSuiteId: 0x6700 })
  const sealed = await enc.encryptItem(item)
  return { enc: () => enc.encryptItem(item), dec: () => enc.decryptItem(sealed) }
}
async function rate(f) {
  const t0 = performance.now(); let n = 0
  while (performance.now() - t0 < 200) { await f(); n++ }
  return n / ((performance.now() - t0) / 1000)
}
const A = await setup(process.env.SEALKIT_PKG_A), B = await setup(process.env.SEALKIT_PKG_B)
const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]
for (const op of ['enc', 'dec']) {
  const a = [], b = [], r = []
  for (let i = 0; i < rounds; i++) { const x = await rate(A[op]); const y = await rate(B[op]); a.push(x); b.push(y); r.push(y / x) }
  console.log(op, 'A', med(a).toFixed(0), 'B', med(b).toFixed(0), 'B/A', med(r).toFixed(3))
}
