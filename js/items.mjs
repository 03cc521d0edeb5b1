// sealkit JS API: item encryption (src/wasm/item.rs), in every entry: the full module and the
// small one (whose items sign with WebCrypto). No crypto here; it imports only the item wire
// form and has exactly one export; scripts/build-wasm.sh derives items.cjs from it. The entries
// call it from createApi's `extend` with api.mjs's internals and js/marshall.mjs's helpers.
import { createItemWire } from './item-wire.mjs'

export function createItemApi(wasm, base, marshalling) {
  const { CryptoAction, fromBase64 } = marshalling
  const { invalid, call, settle, bytes, describe, options, str, stringList, handleOf } = base
  const { encodeItem, decodeItem } = createItemWire({ invalid, bytes, describe, fromBase64 })

  function action(v, name) {
    if (typeof v !== 'string' || !Object.prototype.hasOwnProperty.call(CryptoAction, v)) {
      throw invalid(`${name} must be one of ${Object.keys(CryptoAction).join(', ')}, got ${typeof v === 'string' ? `'${v}'` : describe(v)}`)
    }
    return v
  }

  // ItemEncryptor's `limits` → [maxAttributes, maxDepth, maxValueLength], 0 = the default.
  function itemLimits(value) {
    if (value === undefined || value === null) return [0, 0, 0]
    const o = options(value, 'limits')
    return [
      ['maxAttributes', 1, 0xffffffff],
      ['maxDepth', 1, 32],
      ['maxValueLength', 1, 0xffffffff],
    ].map(([name, min, max]) => {
      const v = o[name]
      if (v === undefined || v === null) return 0
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
        throw invalid(`limits.${name} must be an integer between ${min} and ${max}`)
      }
      return v
    })
  }

  /** Encrypts and signs DynamoDB items (the DB-ESDK item format), with any keyring. */
  class ItemEncryptor {
    #h
    constructor(config) {
      const o = options(config, 'ItemEncryptor options')
      const tableName = str(o.tableName, 'tableName')
      const partitionKey = str(o.partitionKey, 'partitionKey')
      const sortKey = o.sortKey === undefined || o.sortKey === null ? undefined : str(o.sortKey, 'sortKey')
      const actions = []
      for (const [k, v] of Object.entries(options(o.attributeActions, 'attributeActions'))) actions.push(k, action(v, `attributeActions['${k}']`))
      const defaultAction = o.defaultAction === undefined || o.defaultAction === null ? undefined : action(o.defaultAction, 'defaultAction')
      const unsigned = stringList(o.allowedUnsignedAttributes, 'allowedUnsignedAttributes')
      const prefix = o.allowedUnsignedAttributePrefix === undefined || o.allowedUnsignedAttributePrefix === null ? undefined : str(o.allowedUnsignedAttributePrefix, 'allowedUnsignedAttributePrefix')
      let suite = o.algorithmSuiteId === undefined ? 0x6701 : o.algorithmSuiteId
      if (typeof suite === 'string' && /^0x[0-9a-f]{4}$/i.test(suite)) suite = parseInt(suite, 16)
      if (suite !== 0x6700 && suite !== 0x6701) throw invalid('algorithmSuiteId must be 0x6700 or 0x6701')
      const limits = itemLimits(o.limits)
      const h = handleOf(o.keyring, 'keyring')
      this.#h = call(() => new wasm.WasmItemEncryptor(tableName, partitionKey, sortKey, actions, defaultAction, unsigned, prefix, h, suite, limits))
      this.tableName = tableName
      this.partitionKey = partitionKey
      this.sortKey = sortKey
      this.algorithmSuiteId = suite
    }
    /** → the item to store: encrypted attributes as B, plus aws_dbe_head and aws_dbe_foot. */
    async encryptItem(item) {
      const wire = encodeItem(item)
      try {
        return decodeItem(await settle(() => this.#h.encryptItem(wire)))
      } finally {
        wire.fill(0) // the plaintext, copied into the module
      }
    }
    /** Verifies the signature(s) and decrypts → the plaintext item (without aws_dbe_*). */
    async decryptItem(item) {
      const plain = await settle(() => this.#h.decryptItem(encodeItem(item)))
      try {
        return decodeItem(plain)
      } finally {
        plain.fill(0)
      }
    }
  }

  return { ItemEncryptor }
}
