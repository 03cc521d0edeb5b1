// The "KMS keyring over HTTP" use, shared by the default-entry and sealkit/kms apps: an
// AwsKmsKeyring over HttpKmsProvider (fetch + SigV4); encrypt + decrypt one message.
export async function kmsUse({ buildClient, AwsKmsKeyring, HttpKmsProvider }, { endpoint, region, credentials, keyArn }) {
  const provider = new HttpKmsProvider({ endpoint, region, credentials })
  const keyring = new AwsKmsKeyring({ provider, generatorKeyId: keyArn })
  const { encrypt, decrypt } = buildClient()
  const { result } = await encrypt(keyring, 'hello', { encryptionContext: { app: 'size' } })
  const { plaintext } = await decrypt(keyring, result)
  return new TextDecoder().decode(plaintext)
}
