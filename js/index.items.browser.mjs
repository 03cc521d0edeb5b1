// Browser entry for records (`sealkit/items`): `sealkit/lite` plus ItemEncryptor, marshall and
// unmarshall, from a small module of its own (the lite module and the DB-ESDK item format).
// Footer signatures (ECDSA P-384, suite 0x6701) are made and checked by WebCrypto
// (`crypto.subtle`, secure contexts only), and so is a HierarchicalKeyring over a static branch key; KMS,
// RSA and KMS-backed hierarchical keyrings are not here, as in
// `sealkit/lite`. Loading works as in index.lite.browser.mjs (top-level await; copy
// sealkit_items_bg.wasm next to an esbuild bundle).
import init, * as glue from './sealkit_items_web.js'
import { createApi } from './api.mjs'
import { createLiteStubs } from './lite-stubs.mjs'
import { createItemApi } from './items.mjs'
import { createMarshall } from './marshall.mjs'
import { installWebCryptoHost } from './webcrypto-host.mjs'
import { createDriver, unsupportedDriver } from './driver.mjs'

await init({ module_or_path: new URL('./sealkit_items_bg.wasm', import.meta.url) })
// Without crypto.subtle (an insecure context) every message and signed item fails with ERR_UNSUPPORTED.
const subtle = globalThis.crypto && globalThis.crypto.subtle
const driver = subtle ? createDriver(glue, installWebCryptoHost(glue, subtle)) : unsupportedDriver()

const extend = (wasm, base, m = createMarshall(base)) => ({ ...createLiteStubs(wasm, base), ...createItemApi(wasm, base, m), CryptoAction: m.CryptoAction, marshall: m.marshall, unmarshall: m.unmarshall })
const api = createApi(glue, { extend, driver })
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
