// The app measured for "Bundle size": raw-AES encrypt + decrypt, default suite.
import { buildClient, RawAesKeyring } from 'sealkit'

const keyring = new RawAesKeyring({ keyNamespace: 'app', keyName: 'k', wrappingKey: crypto.getRandomValues(new Uint8Array(32)) })
const { encrypt, decrypt } = buildClient()
const { result } = await encrypt(keyring, 'hello', { encryptionContext: { app: 'size' } })
const { plaintext } = await decrypt(keyring, result)
document.body.textContent = new TextDecoder().decode(plaintext)
