// Size harness use "KMS keyring over HTTP" through the default entry (small module, then the
// small KMS module on first use): kms-use.mjs.
import { buildClient, AwsKmsKeyring, HttpKmsProvider } from 'sealkit'
import { kmsUse } from './kms-use.mjs'
import { done } from './done.mjs'

await done((config) => kmsUse({ buildClient, AwsKmsKeyring, HttpKmsProvider }, config))
