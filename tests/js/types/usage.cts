// Type-checked from CommonJS (require): the same declarations must serve require('sealkit').
import { buildClient, RawAesKeyring, SealkitError } from 'sealkit'
import sealkit = require('sealkit')

export async function roundTrip(): Promise<boolean> {
  const aes = new RawAesKeyring({ keyNamespace: 'ns', keyName: 'k', wrappingKey: new Uint8Array(32) })
  const { result } = await buildClient().encrypt(aes, 'cjs')
  const { plaintext } = await sealkit.buildClient().decrypt(aes, result)
  const err: typeof SealkitError = sealkit.SealkitError
  void err
  return plaintext.length === 3
}
