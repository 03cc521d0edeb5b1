// Node entry (ESM): loads the wasm synchronously at import time, so every API is ready
// as soon as `import` resolves (no top-level await needed).
import { readFileSync } from 'node:fs'
import * as nodeCrypto from 'node:crypto'
import * as glue from './sealkit_web.js'
import { createApi } from './api.mjs'
import { createKmsApi } from './kms.mjs'
import { createItemApi } from './items.mjs'
import { createMarshall } from './marshall.mjs'
import { installNodeHost } from './node-host.mjs'

// Node 18 has no global `crypto`; the wasm module draws randomness from crypto.getRandomValues.
if (!globalThis.crypto || typeof globalThis.crypto.getRandomValues !== 'function') globalThis.crypto = nodeCrypto.webcrypto

glue.initSync({ module: readFileSync(new URL('./sealkit_bg.wasm', import.meta.url)) })

// node:crypto does AES-GCM frames, ECDSA signatures and RSA-OAEP decryption; SEALKIT_PURE_WASM=1 keeps both in wasm.
const host = process.env.SEALKIT_PURE_WASM !== '1' ? installNodeHost(glue, nodeCrypto) : undefined
const api = createApi(glue, { host, extend: (wasm, base, m = createMarshall(base)) => ({ ...createKmsApi(wasm, base, m), ...createItemApi(wasm, base, m) }) })
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
