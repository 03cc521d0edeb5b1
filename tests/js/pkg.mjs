// Loads the built package (pkg/, from scripts/build-wasm.sh) the way Node users import it.
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const PKG_DIR = process.env.SEALKIT_PKG_DIR || fileURLToPath(new URL('../../pkg/', import.meta.url))
if (!existsSync(PKG_DIR + '/index.node.mjs')) {
  throw new Error(`built package not found in ${PKG_DIR}: run scripts/build-wasm.sh first`)
}
export const ENTRY = ['lite', 'browser'].includes(process.env.SEALKIT_ENTRY) ? process.env.SEALKIT_ENTRY : 'node'
/** The Node entry (full module, node:crypto host), whatever SEALKIT_ENTRY says. */
export const nodeEntry = await import(pathToFileURL(PKG_DIR + '/index.node.mjs').href)
export const sealkit = ENTRY === 'lite' ? await loadLite() : ENTRY === 'browser' ? (await loadBrowserDefault()).api : nodeEntry

/**
 * SEALKIT_ENTRY=lite: the `sealkit/lite` browser entry's module and wiring (WebCrypto ECDSA,
 * no node:crypto), loaded in Node, whose `crypto.subtle` is WebCrypto. `items`: the
 * `sealkit/items` entry instead (its own module: lite plus ItemEncryptor, marshall, unmarshall).
 * `kms`: the `sealkit/kms` entry (its own module: lite plus the KMS providers and keyrings).
 */
export async function loadLite({ items = false, kms = false } = {}) {
  const { readFileSync } = await import('node:fs')
  const href = (f) => pathToFileURL(PKG_DIR + '/' + f).href
  const name = items ? 'sealkit_items' : kms ? 'sealkit_kms' : 'sealkit_lite'
  const glue = await import(href(`${name}_web.js`))
  const { createApi } = await import(href('api.mjs'))
  const { createLiteStubs } = await import(href('lite-stubs.mjs'))
  const { installWebCryptoHost } = await import(href('webcrypto-host.mjs'))
  const { createDriver } = await import(href('driver.mjs'))
  glue.initSync({ module: readFileSync(`${PKG_DIR}/${name}_bg.wasm`) })
  const driver = createDriver(glue, installWebCryptoHost(glue, globalThis.crypto.subtle))
  // as js/kms.browser.mjs (sealkit/kms), with the module read from a file
  if (kms) return createApi(glue, { extend: (await import(href('kms.browser.mjs'))).kmsExtend, driver })
  if (!items) return createApi(glue, { extend: createLiteStubs, driver })
  const { createItemApi } = await import(href('items.mjs'))
  const { createMarshall } = await import(href('marshall.mjs'))
  const extend = (w, b, m = createMarshall(b)) => ({ ...createLiteStubs(w, b), ...createItemApi(w, b, m), CryptoAction: m.CryptoAction, marshall: m.marshall, unmarshall: m.unmarshall })
  return createApi(glue, { extend, driver })
}

/**
 * SEALKIT_ENTRY=browser: the default browser entry's wiring (index.browser.mjs) in Node — the
 * small module with WebCrypto ECDSA, and the full-module classes of js/full-on-demand.mjs. Its
 * "full module" is a second, separate instance of the full wasm (the browser entry's own
 * index.full.browser.mjs fetches over HTTP, which Node's fetch cannot do for files).
 * Returns { api, loads, kmsLoads } where `loads()` counts how often the full module was
 * requested, and `kmsLoads()` the small KMS module (also a separate instance).
 * `withoutWebCrypto`: as the entry runs in an insecure context (no crypto.subtle).
 */
export async function loadBrowserDefault({ withoutWebCrypto = false } = {}) {
  const { readFileSync } = await import('node:fs')
  const href = (f) => pathToFileURL(PKG_DIR + '/' + f).href
  // its own instance of the small module (the WebCrypto host is installed per instance)
  const lite = await import(href('sealkit_lite_web.js') + (withoutWebCrypto ? '?no-webcrypto' : '?on-demand'))
  const { createApi } = await import(href('api.mjs'))
  const { installWebCryptoHost } = await import(href('webcrypto-host.mjs'))
  const { createFullOnDemand } = await import(href('full-on-demand.mjs'))
  const { createDriver } = await import(href('driver.mjs'))
  lite.initSync({ module: readFileSync(PKG_DIR + '/sealkit_lite_bg.wasm') })
  const driver = withoutWebCrypto ? undefined : createDriver(lite, installWebCryptoHost(lite, globalThis.crypto.subtle))
  let loads = 0
  let kmsLoads = 0
  // the small KMS module, as js/kms.browser.mjs loads it
  const loadKms = async () => {
    kmsLoads++
    const kmsGlue = await import(href('sealkit_kms_web.js') + '?on-demand')
    const { kmsExtend } = await import(href('kms.browser.mjs'))
    kmsGlue.initSync({ module: readFileSync(PKG_DIR + '/sealkit_kms_bg.wasm') })
    return createApi(kmsGlue, { extend: kmsExtend, driver: createDriver(kmsGlue, installWebCryptoHost(kmsGlue, globalThis.crypto.subtle)) })
  }
  const loadFull = async () => {
    loads++
    const full = await import(href('sealkit_web.js') + '?on-demand')
    const { createKmsApi } = await import(href('kms.mjs'))
    const { createItemApi } = await import(href('items.mjs'))
    const { createMarshall } = await import(href('marshall.mjs'))
    full.initSync({ module: readFileSync(PKG_DIR + '/sealkit_bg.wasm') })
    return createApi(full, { extend: (w, b, m = createMarshall(b)) => ({ ...createKmsApi(w, b, m), ...createItemApi(w, b, m) }) })
  }
  return { api: createApi(lite, { extend: createFullOnDemand(loadFull, { everything: withoutWebCrypto, loadKms }), driver }), loads: () => loads, kmsLoads: () => kmsLoads }
}
/** The vendored ESDK vectors (tests/vectors/esdk; provenance in tests/vectors/README.md). */
export const VECTORS = fileURLToPath(new URL('../vectors/esdk', import.meta.url))

// concat and pipeChunks live in a browser-safe module (the Chromium message-vector page imports it).
export { concat, pipeChunks } from './pipe-chunks.mjs'
