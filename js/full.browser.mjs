// The full wasm module for browsers (RSA, KMS keyrings, local KMS, hierarchical keyring, items,
// built-in ECDSA; raw RSA keyrings decrypt with WebCrypto RSA-OAEP): `loadFull()` fetches and instantiates it once and resolves to its API.
// index.full.browser.mjs loads it at import; index.browser.mjs the first time it is needed.
import init, * as glue from './sealkit_web.js'
import { createApi } from './api.mjs'
import { createKmsApi } from './kms.mjs'
import { createItemApi } from './items.mjs'
import { createMarshall } from './marshall.mjs'
import { createWebCryptoRsaHost } from './webcrypto-rsa.mjs'

let loading

export function loadFull() {
  loading ||= init({ module_or_path: new URL('./sealkit_bg.wasm', import.meta.url) }).then(() =>
    createApi(glue, {
      extend: (wasm, base, m = createMarshall(base)) => ({ ...createKmsApi(wasm, base, m), ...createItemApi(wasm, base, m) }),
      host: createWebCryptoRsaHost(globalThis.crypto && globalThis.crypto.subtle),
    }),
  )
  return loading
}
