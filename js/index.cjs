'use strict'
// CommonJS entry: wasm-bindgen's nodejs glue loads sealkit_bg.wasm synchronously.
// Note: a process that both require()s and import()s sealkit gets two separate wasm
// instances; keyrings of one cannot be used with clients of the other.
const glue = require('./sealkit_node.cjs')
const { createApi } = require('./api.cjs')
const { createKmsApi } = require('./kms.cjs')

// SEALKIT_NO_HOST_AEAD=1 keeps message frames in the pure-wasm AES-GCM.
module.exports = createApi(glue, { extend: createKmsApi, ...(process.env.SEALKIT_NO_HOST_AEAD === '1' ? {} : { nodeCrypto: require('crypto') }) })
