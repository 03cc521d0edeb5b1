// What every JavaScript runtime must do with the installed tarball (tests/js/runtimes.test.mjs):
// a message, a record, a KMS keyring over fetch + SigV4 against sealkit-key-server, and errors
// that are SealkitErrors. `cfg`: { kmsUrl, keyArn, accessKeyId, secretAccessKey }. Uses only
// what every runtime has (no Buffer, no node: modules).
export async function runChecks(sealkit, cfg) {
  const { buildClient, RawAesKeyring, AwsKmsKeyring, HttpKmsProvider, ItemEncryptor, SealkitError, marshall, unmarshall } = sealkit
  const text = (b) => new TextDecoder().decode(b)
  const out = {}
  const aes = new RawAesKeyring({ keyNamespace: 'rt', keyName: 'k', wrappingKey: new Uint8Array(32).fill(5) })
  const client = buildClient()
  const { result } = await client.encrypt(aes, 'hello runtime', { encryptionContext: { via: 'tarball' } })
  const back = await client.decrypt(aes, result)
  out.message = `${text(back.plaintext)} (${back.messageHeader.encryptionContext.via})`

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
