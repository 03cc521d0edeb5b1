// A raw-AES-only app on the default entry: the full module must not be fetched.
import { buildClient, RawAesKeyring } from 'sealkit'

const aes = new RawAesKeyring({ keyNamespace: 'n', keyName: 'k', wrappingKey: new Uint8Array(32).fill(1) })
const { encrypt, decrypt } = buildClient()
const { result } = await encrypt(aes, 'aes only', { encryptionContext: { a: 'b' } })
const ok = new TextDecoder().decode((await decrypt(aes, result)).plaintext) === 'aes only'
window.__sealkitResults = [{ name: 'raw AES round trip (default suite)', ok }]
