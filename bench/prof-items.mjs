import { benchItem } from './item-fixture.mjs'
import { pathToFileURL } from 'node:url'
const pkg = process.env.SEALKIT_PKG_DIR
const { ItemEncryptor, RawAesKeyring, CryptoAction, marshall } = await import(pathToFileURL(`${pkg}/index.node.mjs`).href)
const { record, config } = benchItem(CryptoAction)
const item = marshall(record)
const enc = new ItemEncryptor({ ...config,
  keyring: new RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: new Uint8Array(32).fill(7) }), algorithmSuiteId: 0x6700 })
const sealed = await enc.encryptItem(item)
const mode = process.argv[2] || 'enc'
const t0 = performance.now(); let n = 0
while (performance.now() - t0 < 4000) { if (mode==='enc') await enc.encryptItem(item); else await enc.decryptItem(sealed); n++ }
console.log(mode, (n / 4).toFixed(0), 'items/s')
