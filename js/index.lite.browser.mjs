// Browser entry without RSA (`sealkit/lite`): the same API from a smaller wasm module built
// without the raw RSA keyring; `new RawRsaKeyring()` throws ERR_INVALID_ARGUMENT there.
// Loading works as in index.browser.mjs (top-level await; copy sealkit_lite_bg.wasm next to
// an esbuild bundle).
import init, * as glue from './sealkit_lite_web.js'
import { createApi } from './api.mjs'
import { createKmsApi } from './kms.mjs'

await init({ module_or_path: new URL('./sealkit_lite_bg.wasm', import.meta.url) })

const api = createApi(glue, { extend: createKmsApi })
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
