// Size harness use "KMS keyring over HTTP" through 'sealkit/kms' (the KMS small module alone):
// kms-use.mjs.
import { buildClient, AwsKmsKeyring, HttpKmsProvider } from 'sealkit/kms'
import { kmsUse } from './kms-use.mjs'
import { done } from './done.mjs'

await done((config) => kmsUse({ buildClient, AwsKmsKeyring, HttpKmsProvider }, config))
