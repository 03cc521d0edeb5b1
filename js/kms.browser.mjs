// The small KMS module for browsers (sealkit_kms_bg.wasm: the small module plus HttpKmsProvider,
// provider objects and the AWS KMS keyrings, the KMS RSA keyring's decryption through KMS
// included; WebCrypto does the message crypto and the offline RSA-OAEP): `loadKms()`
// fetches and instantiates it once and resolves to its API. index.kms.browser.mjs (`sealkit/kms`)
// loads it at import; index.browser.mjs the first time a KMS keyring is used.
import init, * as glue from './sealkit_kms_web.js'
import { createApi } from './api.mjs'
import { createLiteStubs } from './lite-stubs.mjs'
import { createKmsApi } from './kms.mjs'
import { createMarshall } from './marshall.mjs'
import { installWebCryptoHost } from './webcrypto-host.mjs'
import { createDriver, unsupportedDriver } from './driver.mjs'

/** createApi's `extend` for the KMS module: the sealkit/lite stand-ins, with the KMS classes it has. */
export function kmsExtend(wasm, base) {
  const { HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring } = createKmsApi(wasm, base, createMarshall(base))
  return { ...createLiteStubs(wasm, base, 'sealkit/kms'), HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring }
}

let loading

export function loadKms() {
  loading ||= init({ module_or_path: new URL('./sealkit_kms_bg.wasm', import.meta.url) }).then(() => {
    // Without crypto.subtle (an insecure context) every message fails with ERR_UNSUPPORTED.
    const subtle = globalThis.crypto && globalThis.crypto.subtle
    const driver = subtle ? createDriver(glue, installWebCryptoHost(glue, subtle)) : unsupportedDriver()
    return createApi(glue, { extend: kmsExtend, driver })
  })
  return loading
}
