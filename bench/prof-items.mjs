import { pathToFileURL } from 'node:url'
const pkg = process.env.SEALKIT_PKG_DIR
const { ItemEncryptor, RawAesKeyring, CryptoAction, marshall } = await import(pathToFileURL(`${pkg}/index.node.mjs`).href)
const record = { id: 'user-000042' }; const actions = { id: CryptoAction.SIGN_ONLY }
for (let i = 0; i < 10; i++) { record[`secret${i}`] = `s${i}-`.padEnd(150, 'x'); actions[`secret${i}`] = CryptoAction.ENCRYPT_AND_SIGN }
for (let i = 0; i < 7; i++) { record[`meta${i}`] = `m${i}-`.padEnd(40, 'y'); actions[`meta${i}`] = CryptoAction.SIGN_ONLY }
record.note1 = 'a'; record.note2 = 'b'; actions.note1 = CryptoAction.DO_NOTHING; actions.note2 = CryptoAction.DO_NOTHING
const item = marshall(record)
const enc = new ItemEncryptor({ tableName: 'users', partitionKey: 'id', attributeActions: actions, allowedUnsignedAttributes: ['note1','note2'],
  keyring: new RawAesKeyring({ keyNamespace: 'bench', keyName: 'aes-256', wrappingKey: new Uint8Array(32).fill(7) }), algorithmSuiteId: 0x6700 })
const sealed = await enc.encryptItem(item)
const mode = process.argv[2] || 'enc'
const t0 = performance.now(); let n = 0
while (performance.now() - t0 < 4000) { if (mode==='enc') await enc.encryptItem(item); else await enc.decryptItem(sealed); n++ }
console.log(mode, (n / 4).toFixed(0), 'items/s')
