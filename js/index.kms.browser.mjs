// Browser entry for KMS keyrings (`sealkit/kms`): `sealkit/lite` plus HttpKmsProvider (fetch,
// SigV4), KMS provider objects (@aws-sdk/client-kms clients, objects with generateDataKey /
// encrypt / decrypt methods) and the AWS KMS keyrings (strict, MRK-aware, discovery, MRK
// discovery), from a small module of its own. Message frames, key derivation and signatures run
// on WebCrypto (`crypto.subtle`, secure contexts only), as in `sealkit/lite`. Not here: the
// embedded LocalKms, AwsKmsRsaKeyring with a provider (it encrypts offline), KmsBranchKeyStore,
// caching and items; import those from 'sealkit'. Loading works as in index.lite.browser.mjs
// (top-level await; copy sealkit_kms_bg.wasm next to an esbuild bundle).
import init, * as glue from './sealkit_kms_web.js'
import { createApi } from './api.mjs'
import { createLiteStubs } from './lite-stubs.mjs'
import { createKmsApi } from './kms.mjs'
import { createMarshall } from './marshall.mjs'
import { installWebCryptoHost } from './webcrypto-host.mjs'
import { createDriver, unsupportedDriver } from './driver.mjs'

await init({ module_or_path: new URL('./sealkit_kms_bg.wasm', import.meta.url) })
// Without crypto.subtle (an insecure context) every message fails with ERR_UNSUPPORTED.
const subtle = globalThis.crypto && globalThis.crypto.subtle
const driver = subtle ? createDriver(glue, installWebCryptoHost(glue, subtle)) : unsupportedDriver()

function extend(wasm, base) {
  const kms = createKmsApi(wasm, base, createMarshall(base))
  const { HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring } = kms
  return { ...createLiteStubs(wasm, base, 'sealkit/kms'), HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring }
}
const api = createApi(glue, { extend, driver })
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
