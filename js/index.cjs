'use strict'
// CommonJS entry: wasm-bindgen's nodejs glue loads sealkit_bg.wasm synchronously.
// Note: a process that both require()s and import()s sealkit gets two separate wasm
// instances; keyrings of one cannot be used with clients of the other.
const glue = require('./sealkit_node.cjs')
const { createApi } = require('./api.cjs')
const { createKmsApi } = require('./kms.cjs')
const { createItemApi } = require('./items.cjs')
const { createMarshall } = require('./marshall.cjs')
const { installNodeHost } = require('./node-host.cjs')

// node:crypto does AES-GCM frames, ECDSA signatures and RSA-OAEP decryption; SEALKIT_PURE_WASM=1 keeps both in wasm.
const host = process.env.SEALKIT_PURE_WASM !== '1' ? installNodeHost(glue, require('crypto')) : undefined
module.exports = createApi(glue, { host, extend: (wasm, base, m = createMarshall(base)) => ({ ...createKmsApi(wasm, base, m), ...createItemApi(wasm, base, m) }) })
