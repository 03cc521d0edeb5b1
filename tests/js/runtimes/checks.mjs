// What every JavaScript runtime must do with the installed tarball (tests/js/runtimes.test.mjs):
// a message, a record, a KMS keyring over fetch + SigV4 against sealkit-key-server, and errors
// that are SealkitErrors. `cfg`: { kmsUrl, keyArn, accessKeyId, secretAccessKey, rsaPublicKey,
// rsaPrivateKey } (a PKCS#1 private PEM: each runtime's host RSA must take it). Uses only
// what every runtime has (no Buffer, no node: modules).
export async function runChecks(sealkit, cfg) {
  const { buildClient, RawAesKeyring, RawRsaKeyring, AwsKmsKeyring, HttpKmsProvider, ItemEncryptor, SealkitError, marshall, unmarshall } = sealkit
  const text = (b) => new TextDecoder().decode(b)
  const out = {}
  const aes = new RawAesKeyring({ keyNamespace: 'rt', keyName: 'k', wrappingKey: new Uint8Array(32).fill(5) })
  const client = buildClient()
  const { result } = await client.encrypt(aes, 'hello runtime', { encryptionContext: { via: 'tarball' } })
  const back = await client.decrypt(aes, result)
  out.message = `${text(back.plaintext)} (${back.messageHeader.encryptionContext.via})`

  // RSA-OAEP decryption by the runtime's own crypto (node:crypto, or WebCrypto in Workers and browsers).
  const rsa = new RawRsaKeyring({ keyNamespace: 'rt', keyName: 'rsa', padding: 'oaep-sha256', publicKey: cfg.rsaPublicKey, privateKey: cfg.rsaPrivateKey })
  const wrapped = await client.encrypt(rsa, 'rsa oaep')
  out.rsa = `${text((await client.decrypt(rsa, wrapped.result)).plaintext)} (${rsa.padding})`

  const items = new ItemEncryptor({ tableName: 'users', partitionKey: 'id', attributeActions: { id: 'SIGN_ONLY', email: 'ENCRYPT_AND_SIGN', age: 'ENCRYPT_AND_SIGN' }, keyring: aes })
  const stored = await items.encryptItem(marshall({ id: 'u1', email: 'a@example.com', age: 42 }))
  const plain = unmarshall(await items.decryptItem(stored))
  out.item = `${plain.email} ${plain.age} (stored email is ${stored.email.B ? 'ciphertext' : 'plaintext'})`

  const provider = new HttpKmsProvider({ endpoint: cfg.kmsUrl, region: 'us-east-1', credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } })
  const kms = new AwsKmsKeyring({ provider, generatorKeyId: cfg.keyArn })
  const sealed = await client.encrypt(kms, 'over fetch', { encryptionContext: { via: 'kms' } })
  out.kms = `${text((await client.decrypt(kms, sealed.result)).plaintext)} (${sealed.messageHeader.encryptedDataKeys[0].providerId})`

  const errors = []
  for (const [what, fn] of [
    ['truncated', () => client.decrypt(aes, result.subarray(0, 10))],
    ['wrong key', () => client.decrypt(new RawAesKeyring({ keyNamespace: 'rt', keyName: 'k', wrappingKey: new Uint8Array(32).fill(6) }), result)],
    ['bad option', () => client.encrypt(aes, 'x', { frameLength: -1 })],
    ['kms denied', () => client.encrypt(new AwsKmsKeyring({ provider: new HttpKmsProvider({ endpoint: cfg.kmsUrl, region: 'us-east-1', credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: 'wrong' }, maxAttempts: 1 }), generatorKeyId: cfg.keyArn }), 'x')],
  ]) {
    try {
      await fn()
      errors.push(`${what}: no error`)
    } catch (e) {
      errors.push(`${what}: ${e instanceof SealkitError && e instanceof Error ? e.code : `not a SealkitError: ${e}`}`)
    }
  }
  out.errors = errors.join(', ')
  return out
}
