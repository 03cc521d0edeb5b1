// Browser entry (ESM), default: instantiates the small module (messages, raw AES and multi
// keyrings; ECDSA by WebCrypto) with top-level await. The classes that need another module are
// constructed at once and made there, fetched the first time one of them is used
// (js/full-on-demand.mjs): the KMS keyrings over HttpKmsProvider or provider objects in the small
// KMS module (js/kms.browser.mjs), RSA, the local KMS, hierarchical keyrings, caching and items
// in the full module. Bundlers (Vite, webpack) pick the `new URL(…, import.meta.url)` assets up;
// with esbuild, copy the .wasm files next to the bundle. Without a bundler, import this file
// from a <script type="module">.
import init, * as glue from './sealkit_lite_web.js'
import { createApi } from './api.mjs'
import { installWebCryptoHost } from './webcrypto-host.mjs'
import { createFullOnDemand } from './full-on-demand.mjs'
import { createDriver } from './driver.mjs'

await init({ module_or_path: new URL('./sealkit_lite_bg.wasm', import.meta.url) })
const subtle = globalThis.crypto && globalThis.crypto.subtle
const driver = subtle && createDriver(glue, installWebCryptoHost(glue, subtle))

// Without crypto.subtle (an insecure context) the small module cannot sign or verify: then every
// keyring works through the full module (built-in ECDSA), fetched on first use.
const loadFull = () => import('./full.browser.mjs').then((m) => m.loadFull())
const loadKms = () => import('./kms.browser.mjs').then((m) => m.loadKms())
const api = createApi(glue, { extend: createFullOnDemand(loadFull, { everything: !subtle, loadKms }), driver })
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
