// Step 3: an AwsKmsKeyring whose KMS is sealkit-key-server over HTTP (AWS KMS JSON 1.1 protocol,
// SigV4-signed requests through HttpKmsProvider, fetch underneath).
import { buildClient, AwsKmsKeyring, HttpKmsProvider, SealkitError } from '../../pkg/index.node.mjs'
import { DEMO_CREDENTIALS } from './key-server.mjs'

export async function kmsServerDemo(log, server) {
  const provider = new HttpKmsProvider({ endpoint: server.url, region: 'us-east-1', credentials: DEMO_CREDENTIALS })
  const { KeyMetadata: key } = await provider.send('CreateKey', { Description: 'demo orders key' })
  log(`CreateKey over HTTP: ${key.Arn}`)
  const keyring = new AwsKmsKeyring({ provider, generatorKeyId: key.Arn })
  const { encrypt, decrypt } = buildClient()
  const { result, messageHeader: h } = await encrypt(keyring, 'order #1001: 3 x widget', { encryptionContext: { orderId: '1001' } })
  const edk = h.encryptedDataKeys[0]
  log(`encrypted: GenerateDataKey on the server; the message carries the data key wrapped by ${edk.providerId} key ${new TextDecoder().decode(edk.providerInfo).slice(-36)}`)
  const { plaintext } = await decrypt(keyring, result)
  log(`decrypted through KMS Decrypt: ${JSON.stringify(new TextDecoder().decode(plaintext))}`)
  const forged = new HttpKmsProvider({ endpoint: server.url, region: 'us-east-1', credentials: { ...DEMO_CREDENTIALS, secretAccessKey: 'wrong' }, maxAttempts: 1 })
  try {
    await decrypt(new AwsKmsKeyring({ provider: forged, generatorKeyId: key.Arn }), result)
    throw new Error('a wrongly signed request was accepted')
  } catch (e) {
    if (!(e instanceof SealkitError)) throw e
    const why = /\b\w+Exception\b.*$/.exec(e.message)
    if (!why) throw e
    log(`the same decrypt signed with a wrong secret: ${e.code}; the server answered ${why[0]}`)
  }
  return provider
}
