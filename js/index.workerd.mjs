// Cloudflare Workers entry (`workerd` / `worker` export conditions): Workers compile no wasm at
// run time and let no code fetch or draw randomness at global scope, so the full module comes in
// as a compiled `WebAssembly.Module` through a module import (Wrangler's and workerd's wasm module
// rule) and is instantiated synchronously; everything the module needs (crypto.getRandomValues,
// fetch for HttpKmsProvider) is used only inside requests. No node:crypto and no Buffer: the
// cryptography runs in the module, except raw RSA-OAEP decryption (WebCrypto, js/webcrypto-rsa.mjs).
import wasmModule from './sealkit_bg.wasm'
import * as glue from './sealkit_web.js'
import { createApi } from './api.mjs'
import { createKmsApi } from './kms.mjs'
import { createItemApi } from './items.mjs'
import { createMarshall } from './marshall.mjs'
import { createWebCryptoRsaHost } from './webcrypto-rsa.mjs'

glue.initSync({ module: wasmModule })
const api = createApi(glue, {
  extend: (wasm, base, m = createMarshall(base)) => ({ ...createKmsApi(wasm, base, m), ...createItemApi(wasm, base, m) }),
  host: createWebCryptoRsaHost(globalThis.crypto && globalThis.crypto.subtle),
})
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
