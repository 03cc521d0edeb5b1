// Browser entry (ESM): fetches and instantiates the wasm with top-level await, so keyring
// constructors (synchronous) work as soon as the import resolves. Bundlers (Vite, webpack)
// pick the `new URL(…, import.meta.url)` asset up; with esbuild, copy sealkit_bg.wasm next
// to the bundle. Without a bundler, import this file from a <script type="module">.
import init, * as glue from './sealkit_web.js'
import { createApi } from './api.mjs'
import { createKmsApi } from './kms.mjs'

await init({ module_or_path: new URL('./sealkit_bg.wasm', import.meta.url) })

const api = createApi(glue, { extend: createKmsApi })
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
