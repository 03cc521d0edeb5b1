// sealkit JS API: item encryption (src/wasm/item.rs), in every entry: the full module and the
// small one (whose items sign with WebCrypto). Like api.mjs: no crypto here, imports nothing,
// exactly one export; scripts/build-wasm.sh derives items.cjs from it. The entries call it from
// createApi's `extend` with api.mjs's internals and js/marshall.mjs's helpers.

export function createItemApi(wasm, base, marshalling) {
  const { CryptoAction, toBase64, fromBase64 } = marshalling
  const { invalid, call, settle, bytes, describe, options, str, stringList, handleOf } = base

  function action(v, name) {
    if (typeof v !== 'string' || !Object.prototype.hasOwnProperty.call(CryptoAction, v)) {
      throw invalid(`${name} must be one of ${Object.keys(CryptoAction).join(', ')}, got ${typeof v === 'string' ? `'${v}'` : describe(v)}`)
    }
    return v
  }

  /** AttributeValue (B/BS as Uint8Array or base64) → wire JSON value (B/BS as base64). */
  function valueToWire(v, path) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid(`attribute '${path}' must be an AttributeValue object such as { S: 'x' }, got ${describe(v)}`)
    const keys = Object.keys(v).filter((k) => v[k] !== undefined)
    if (keys.length !== 1) throw invalid(`attribute '${path}' must have exactly one type key (S, N, B, BOOL, NULL, L, M, SS, NS, BS), got ${keys.length ? keys.join(', ') : 'none'}`)
    const t = keys[0]
    const x = v[t]
    switch (t) {
      case 'B':
        return { B: typeof x === 'string' ? x : toBase64(bytes(x, `attribute '${path}' B`, false)) }
      case 'BS':
        if (!Array.isArray(x)) throw invalid(`attribute '${path}' BS must be an array`)
        return { BS: x.map((b, i) => (typeof b === 'string' ? b : toBase64(bytes(b, `attribute '${path}' BS[${i}]`, false)))) }
      case 'L':
        if (!Array.isArray(x)) throw invalid(`attribute '${path}' L must be an array`)
        return { L: x.map((e, i) => valueToWire(e, `${path}[${i}]`)) }
      case 'M':
        return { M: itemToWire(x, `${path}.`) }
      case 'N':
        return { N: typeof x === 'number' || typeof x === 'bigint' ? String(x) : x }
      default:
        return { [t]: x }
    }
  }

  function itemToWire(item, prefix = '') {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid(`${prefix ? `attribute '${prefix.slice(0, -1)}' M` : 'item'} must be an object of attribute name → AttributeValue, got ${describe(item)}`)
    const out = {}
    for (const [k, v] of Object.entries(item)) if (v !== undefined) out[k] = valueToWire(v, prefix + k)
    return out
  }

  function valueFromWire(v) {
    if ('B' in v) return { B: fromBase64(v.B, 'B') }
    if ('BS' in v) return { BS: v.BS.map((b) => fromBase64(b, 'BS')) }
    if ('L' in v) return { L: v.L.map(valueFromWire) }
    if ('M' in v) return { M: itemFromWire(v.M) }
    return v
  }

  function itemFromWire(obj) {
    const out = {}
    for (const [k, v] of Object.entries(obj)) out[k] = valueFromWire(v)
    return out
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
      const json = JSON.stringify(itemToWire(item))
      return itemFromWire(JSON.parse(await settle(() => this.#h.encryptItem(json))))
    }
    /** Verifies the signature(s) and decrypts → the plaintext item (without aws_dbe_*). */
    async decryptItem(item) {
      const json = JSON.stringify(itemToWire(item))
      return itemFromWire(JSON.parse(await settle(() => this.#h.decryptItem(json))))
    }
  }

  return { ItemEncryptor }
}
