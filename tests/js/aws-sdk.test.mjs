// AWS SDK v3 conventions, against real servers on 127.0.0.1:
// - @aws-sdk/client-kms's aggregated `KMS` client and its command-style `KMSClient`, each as the
//   provider of AwsKmsKeyring, against moto (the launcher in tests/tools, the venv of
//   scripts/setup-python.sh); Node decrypts each one's messages with the other;
// - KMS failures keep the AWS error name and `$metadata.httpStatusCode` on SealkitError.cause,
//   from moto through an SDK client and from sealkit-key-server through HttpKmsProvider;
// - HttpKmsProvider with an AWS credential provider function (as @aws-sdk/credential-providers
//   returns), against sealkit-key-server, which checks every SigV4 signature: credentials are
//   fetched once while far from `expiration`, again when within 5 minutes of it, once for
//   concurrent calls, and a provider that fails is an ERR_KMS naming it; the handle of replaced
//   credentials is freed once no call uses it.
// Servers are stopped by PID.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sealkit, nodeEntry, PKG_DIR } from './pkg.mjs'
import { startKeyServer } from './key-server.mjs'
import { startMoto } from './moto.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const require = createRequire(join(here, 'package.json'))
const { KMS, KMSClient, CreateKeyCommand } = require('@aws-sdk/client-kms')
const { buildClient, AwsKmsKeyring, HttpKmsProvider, SealkitError } = sealkit
const text = (b) => new TextDecoder().decode(b)
const CREDS = { accessKeyId: 'AKIDSDKV3', secretAccessKey: 'sdk-v3-secret' }

let moto
let motoUrl
let keyServer
before(async () => {
  moto = await startMoto()
  motoUrl = moto.url
  keyServer = await startKeyServer({ binary: process.env.SEALKIT_KEY_SERVER, ...CREDS })
})
after(() => {
  if (moto) moto.stop()
  if (keyServer) keyServer.stop()
})

const sdkConfig = () => ({ region: 'us-east-1', endpoint: motoUrl, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } })

test('@aws-sdk/client-kms KMS (aggregated) and KMSClient (command style) as providers, against moto', async () => {
  const aggregated = new KMS(sdkConfig())
  const command = new KMSClient(sdkConfig())
  const keyArn = (await command.send(new CreateKeyCommand({ Description: 'sealkit sdk v3' }))).KeyMetadata.Arn
  const client = buildClient()
  const viaAggregated = new AwsKmsKeyring({ provider: aggregated, generatorKeyId: keyArn })
  const viaCommand = new AwsKmsKeyring({ provider: command, generatorKeyId: keyArn })
  const a = await client.encrypt(viaAggregated, 'from KMS', { encryptionContext: { sdk: 'v3' } })
  const c = await client.encrypt(viaCommand, 'from KMSClient', { encryptionContext: { sdk: 'v3' } })
  for (const m of [a, c]) assert.equal(m.messageHeader.encryptedDataKeys[0].providerId, 'aws-kms')
  // each one decrypts the other's message: both reached the same moto key
  assert.equal(text((await client.decrypt(viaCommand, a.result)).plaintext), 'from KMS')
  assert.equal(text((await client.decrypt(viaAggregated, c.result)).plaintext), 'from KMSClient')
})

test('KMS errors keep the AWS error name and $metadata.httpStatusCode on SealkitError.cause', async () => {
  const missing = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000'
  for (const provider of [new KMS(sdkConfig()), new KMSClient(sdkConfig())]) {
    const err = await buildClient().encrypt(new AwsKmsKeyring({ provider, generatorKeyId: missing }), 'x').then(() => null, (e) => e)
    assert.ok(err instanceof SealkitError, String(err))
    assert.equal(err.code, 'ERR_KMS')
    assert.equal(err.cause.name, 'NotFoundException', JSON.stringify(err.cause))
    assert.equal(err.cause.$metadata.httpStatusCode, 400)
  }
  // the same through sealkit's own HTTP client (sealkit-key-server refuses a wrong secret)
  const wrong = new HttpKmsProvider({ endpoint: keyServer.url, region: 'us-east-1', credentials: { ...CREDS, secretAccessKey: 'wrong' }, maxAttempts: 1 })
  const err = await wrong.createKey({}).then(() => null, (e) => e)
  assert.ok(err instanceof SealkitError, String(err))
  assert.equal(err.code, 'ERR_KMS')
  assert.match(err.cause.name, /Signature|UnrecognizedClient/)
  assert.ok(err.cause.$metadata.httpStatusCode >= 400 && err.cause.$metadata.httpStatusCode < 500, JSON.stringify(err.cause))
})

test('HttpKmsProvider with a credential provider function: refreshed before expiration, once for concurrent calls', async () => {
  let calls = 0
  let expiresIn = 60 * 60 * 1000
  const provider = new HttpKmsProvider({
    endpoint: keyServer.url,
    region: 'us-east-1',
    credentials: async () => {
      calls++
      await new Promise((r) => setTimeout(r, 10))
      return { ...CREDS, sessionToken: undefined, expiration: new Date(Date.now() + expiresIn) }
    },
  })
  const keyArn = (await provider.createKey({})).KeyMetadata.Arn
  const keyring = new AwsKmsKeyring({ provider, generatorKeyId: keyArn })
  const client = buildClient()
  const messages = await Promise.all([1, 2, 3, 4].map((i) => client.encrypt(keyring, `m${i}`)))
  for (const [i, m] of messages.entries()) assert.equal(text((await client.decrypt(keyring, m.result)).plaintext), `m${i + 1}`)
  assert.equal(calls, 1, 'credentials an hour from expiration are fetched once')
  // credentials 4 minutes from expiration (inside the 5-minute window) are fetched again before each use
  expiresIn = 4 * 60 * 1000
  await provider.describeKey({ KeyId: keyArn }) // still the hour-long ones: no refresh
  assert.equal(calls, 1)
  expiresIn = 60 * 60 * 1000
  const short = new HttpKmsProvider({
    endpoint: keyServer.url, region: 'us-east-1',
    credentials: async () => {
      calls++
      return { ...CREDS, expiration: Date.now() + 4 * 60 * 1000 }
    },
  })
  calls = 0
  await short.describeKey({ KeyId: keyArn })
  await short.describeKey({ KeyId: keyArn })
  assert.equal(calls, 2, 'credentials within 5 minutes of expiration are fetched before each call')

  const failing = new HttpKmsProvider({ endpoint: keyServer.url, region: 'us-east-1', credentials: async () => { throw new Error('no profile') } })
  const err = await client.encrypt(new AwsKmsKeyring({ provider: failing, generatorKeyId: keyArn }), 'x').then(() => null, (e) => e)
  assert.ok(err instanceof SealkitError && err.code === 'ERR_KMS', String(err))
  assert.equal(err.cause.name, 'CredentialsProviderError')
  assert.match(err.message, /no profile/)
})

test('HttpKmsProvider credential refresh frees the replaced handle once no call uses it', async () => {
  // The Node entry's own wasm glue (the module instance its classes use): its WasmKmsProvider
  // methods are wrapped to see which handles are made, used and freed.
  const glue = await import(pathToFileURL(PKG_DIR + '/sealkit_web.js').href)
  const P = glue.WasmKmsProvider
  const { http } = P
  const { free, sendJson } = P.prototype
  const made = []
  const freed = new Set()
  const events = []
  let gate // while set, calls on made[0] wait on it before sending
  P.http = function (...args) {
    const h = http.apply(this, args)
    made.push(h)
    return h
  }
  P.prototype.free = function () {
    freed.add(this)
    events.push(`free ${made.indexOf(this)}`)
    return free.call(this)
  }
  P.prototype.sendJson = async function (...args) {
    const i = made.indexOf(this)
    assert.ok(!freed.has(this), `call on freed handle ${i}`)
    if (i === 0 && gate) await gate.promise
    try {
      return await sendJson.apply(this, args)
    } finally {
      events.push(`end ${i}`)
    }
  }
  try {
    // Credentials 4 minutes from expiration: every call fetches new ones (a new handle).
    const provider = new nodeEntry.HttpKmsProvider({ endpoint: keyServer.url, region: 'us-east-1', credentials: async () => ({ ...CREDS, expiration: Date.now() + 4 * 60 * 1000 }) })
    let open
    gate = { promise: new Promise((r) => (open = r)) }
    const a = provider.createKey({}) // handle 0, held at the gate
    while (made.length < 1) await new Promise((r) => setImmediate(r))
    const keyArn = (await provider.createKey({})).KeyMetadata.Arn // handle 1 replaces 0
    assert.equal(made.length, 2)
    assert.ok(!freed.has(made[0]), 'handle 0 is in use by the first call: not freed yet')
    open()
    assert.ok((await a).KeyMetadata.Arn)
    assert.ok(freed.has(made[0]), 'handle 0 freed once its call ended')
    assert.ok(events.indexOf('end 0') < events.indexOf('free 0'), events.join(', '))
    await provider.describeKey({ KeyId: keyArn }) // handle 2 replaces 1, which no call uses
    assert.deepEqual([...freed].map((h) => made.indexOf(h)).sort(), [0, 1])
    assert.ok(!freed.has(made[2]), 'the current handle stays')
  } finally {
    Object.assign(P, { http })
    Object.assign(P.prototype, { free, sendJson })
  }
})
