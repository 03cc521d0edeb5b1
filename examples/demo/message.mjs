// Step 1: a message with a raw AES keyring (AWS Encryption SDK message format).
import { webcrypto } from 'node:crypto'
import { buildClient, RawAesKeyring, SealkitError } from '../../pkg/index.node.mjs'

export async function messageDemo(log) {
  const wrappingKey = webcrypto.getRandomValues(new Uint8Array(32))
  const keyring = new RawAesKeyring({ keyNamespace: 'demo', keyName: 'aes-key-1', wrappingKey })
  const { encrypt, decrypt } = buildClient() // REQUIRE_ENCRYPT_REQUIRE_DECRYPT
  const encryptionContext = { tenant: 'acme', purpose: 'demo' }
  const { result, messageHeader: h } = await encrypt(keyring, 'Patient 4711: blood type AB-', { encryptionContext })
  log(`encrypted 28 bytes into a ${result.length}-byte message: suite 0x${h.suiteId.toString(16).padStart(4, '0')} (committing, ECDSA P-384 signed), format v${h.version}`)
  log(`header: encryption context keys ${Object.keys(h.encryptionContext).join(', ')} (aws-crypto-public-key: the signature's verification key); data key wrapped by ${h.encryptedDataKeys.map((e) => e.providerId).join(', ')}`)
  const { plaintext } = await decrypt(keyring, result, { encryptionContext: { tenant: 'acme' } })
  log(`decrypted (requiring tenant=acme): ${JSON.stringify(new TextDecoder().decode(plaintext))}`)
  const tampered = result.slice()
  tampered[tampered.length - 130] ^= 1 // in the last frame (the footer's signature is the last ≤ 105 bytes)
  try {
    await decrypt(keyring, tampered)
    throw new Error('a flipped bit was not detected')
  } catch (e) {
    if (!(e instanceof SealkitError)) throw e
    log(`one flipped bit in the encrypted body: rejected with ${e.code}`)
  }
  keyring.dispose()
}
