// Small browser entry (`sealkit/lite`): messages with raw AES and multi keyrings from a smaller
// wasm module without RSA, KMS, items and elliptic-curve code: message signatures (ECDSA) are
// made and checked by WebCrypto (`crypto.subtle`, secure contexts only). The other classes throw
// ERR_INVALID_ARGUMENT here. Loading works as in index.browser.mjs (top-level await; copy
// sealkit_lite_bg.wasm next to an esbuild bundle).
import init, * as glue from './sealkit_lite_web.js'
import { createApi } from './api.mjs'
import { createLiteStubs } from './lite-stubs.mjs'
import { installWebCryptoHost } from './webcrypto-host.mjs'
import { createDriver, unsupportedDriver } from './driver.mjs'

await init({ module_or_path: new URL('./sealkit_lite_bg.wasm', import.meta.url) })
// Without crypto.subtle (an insecure context) every message fails with ERR_UNSUPPORTED.
const subtle = globalThis.crypto && globalThis.crypto.subtle
const driver = subtle ? createDriver(glue, installWebCryptoHost(glue, subtle)) : unsupportedDriver()

const api = createApi(glue, { extend: createLiteStubs, driver })
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
