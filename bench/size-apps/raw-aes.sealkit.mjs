// Size harness use "raw-AES": encrypt + decrypt one message with a raw AES keyring (default suite).
import { buildClient, RawAesKeyring } from 'sealkit'
import { done } from './done.mjs'

await done(async () => {
  const keyring = new RawAesKeyring({ keyNamespace: 'app', keyName: 'k', wrappingKey: crypto.getRandomValues(new Uint8Array(32)) })
  const { encrypt, decrypt } = buildClient()
  const { result } = await encrypt(keyring, 'hello', { encryptionContext: { app: 'size' } })
  const { plaintext } = await decrypt(keyring, result)
  return new TextDecoder().decode(plaintext)
})
