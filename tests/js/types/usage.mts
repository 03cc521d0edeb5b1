// Type-checked (never run) against the installed tarball by pack.test.mjs: the API of the issue,
// with the types a user relies on, and misuses the declarations must reject.
import { buildClient, CommitmentPolicy, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } from 'sealkit'
import type { MessageHeader, SealkitErrorCode, EncryptionContext } from 'sealkit'
import sealkit from 'sealkit'
import { RawAesKeyring as LiteAes } from 'sealkit/lite'
import { ItemEncryptor, marshall } from 'sealkit/full'
import { CachingMaterialsManager, LocalCryptoMaterialsCache } from 'sealkit'

export async function roundTrip(pem: string): Promise<string> {
  const aes = new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32) })
  const rsa = new RawRsaKeyring({ keyNamespace: 'ns', keyName: 'r', publicKey: pem, privateKey: pem, padding: 'oaep-sha256' })
  const multi = new MultiKeyring({ generator: aes, children: [rsa, new LiteAes({ keyNamespace: 'l', keyName: 'k', wrappingKey: new Uint8Array(16) })] })
  const client = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, maxEncryptedDataKeys: 3 })
  const { encrypt, decrypt, encryptStream, decryptStream } = client

  const { result, messageHeader } = await encrypt(multi, 'text', { encryptionContext: { purpose: 'test' }, suiteId: 0x0478, frameLength: 4096 })
  const header: MessageHeader = messageHeader
  const messageId: Uint8Array = header.messageId
  const suiteId: number = header.suiteId
  const stored: EncryptionContext = header.encryptionContext
  const providers: string[] = header.encryptedDataKeys.map((k) => k.providerId)
  const infos: Uint8Array[] = header.encryptedDataKeys.map((k) => k.providerInfo)
  const frameLength: number = header.frameLength
  void [messageId, suiteId, stored, providers, infos, frameLength]

  const { plaintext, encryptionContext } = await decrypt(aes, result, { encryptionContext: { purpose: 'test' } })
  const purpose: string | undefined = encryptionContext.purpose
  void purpose
  await sealkit.buildClient('REQUIRE_ENCRYPT_ALLOW_DECRYPT').decrypt(aes, new Uint8Array(result.buffer))

  const enc = encryptStream(aes, { suiteId: 0x0578 })
  const dec = decryptStream(aes, { signedMessages: 'verify-before-release' })
  const out: ReadableStream<Uint8Array> = new Blob([plaintext]).stream().pipeThrough(enc).pipeThrough(dec)
  void out
  const streamed: MessageHeader = await dec.messageHeader
  void streamed
  decryptStream(aes, { unsignedOnly: true })

  try {
    await decrypt(aes, result.subarray(0, 10))
  } catch (e) {
    if (e instanceof SealkitError) {
      const code: SealkitErrorCode = e.code
      const message: string = e.message
      void [code, message]
    }
  }
  const items = new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY', secret: 'ENCRYPT_AND_SIGN' }, keyring: aes })
  await items.encryptItem(marshall({ pk: 'a', secret: 'b' }))
  const cache = new LocalCryptoMaterialsCache(100)
  const cmm = new CachingMaterialsManager({ keyring: aes, cache, maxAge: 60_000, maxMessagesEncrypted: 1000, maxBytesEncrypted: 2n ** 40n, partition: 'tenant-a' })
  const outer = new CachingMaterialsManager({ materialsManager: cmm, cache, maxAge: 1000 })
  await decrypt(outer, (await encrypt(cmm, 'cached', { suiteId: 0x0478 })).result)
  decryptStream(cmm)
  new ItemEncryptor({ tableName: 't', partitionKey: 'pk', attributeActions: { pk: 'SIGN_ONLY' }, keyring: cmm })
  const entries: number = cache.size
  void entries
  aes.dispose()
  const disposed: boolean = aes.disposed
  void disposed
  return new TextDecoder().decode(plaintext)
}

export function misuses(aes: RawAesKeyring): void {
  // @ts-expect-error a wrapping key is bytes
  new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: 5 })
  // @ts-expect-error keyName is required
  new RawAesKeyring({ keyNamespace: 'ns', wrappingKey: new Uint8Array(32) })
  // @ts-expect-error not a commitment policy
  buildClient({ commitmentPolicy: 'ALLOW_EVERYTHING' })
  // @ts-expect-error not a padding name
  new RawRsaKeyring({ keyNamespace: 'n', keyName: 'k', padding: 'oaep' })
  // @ts-expect-error ciphertext is bytes, not text
  buildClient().decrypt(aes, 'AYAAF...')
  // @ts-expect-error encryption context values are strings
  buildClient().encrypt(aes, 'x', { encryptionContext: { n: 1 } })
  // @ts-expect-error maxAge is required
  new CachingMaterialsManager({ keyring: aes, cache: new LocalCryptoMaterialsCache(1) })
  // @ts-expect-error a caching manager is not a MultiKeyring member
  new MultiKeyring({ generator: new CachingMaterialsManager({ keyring: aes, cache: new LocalCryptoMaterialsCache(1), maxAge: 1 }) })
}
