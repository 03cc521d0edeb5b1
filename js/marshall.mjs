// sealkit JS API, part 3: DynamoDB AttributeValue helpers (marshall / unmarshall), the item
// crypto actions and the base64 used on the KMS and item wire. Plain JS, no wasm: the browser
// entry has them before (or without) the full module. Like api.mjs: imports nothing, exactly one
// export; scripts/build-wasm.sh derives marshall.cjs from it.

export function createMarshall({ invalid, bytes, describe }) {
  function toBase64(u8) {
    let s = ''
    for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000))
    return btoa(s)
  }

  function fromBase64(s, name) {
    let bin
    try {
      bin = atob(s)
    } catch {
      throw invalid(`${name} is not valid base64`)
    }
    const out = new Uint8Array(bin.length)
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
    return out
  }

  const isBytes = (v) => v instanceof Uint8Array || v instanceof ArrayBuffer || ArrayBuffer.isView(v)

  const CryptoAction = Object.freeze({
    ENCRYPT_AND_SIGN: 'ENCRYPT_AND_SIGN',
    SIGN_ONLY: 'SIGN_ONLY',
    SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT',
    DO_NOTHING: 'DO_NOTHING',
  })

  function marshallValue(v, path) {
    if (v === null) return { NULL: true }
    switch (typeof v) {
      case 'string':
        return { S: v }
      case 'number':
        if (!Number.isFinite(v)) throw invalid(`marshall: '${path}' is ${v}; DynamoDB numbers must be finite`)
        return { N: String(v) }
      case 'bigint':
        return { N: v.toString() }
      case 'boolean':
        return { BOOL: v }
    }
    if (isBytes(v)) return { B: bytes(v, path, false) }
    if (Array.isArray(v)) return { L: v.map((e, i) => marshallValue(e === undefined ? null : e, `${path}[${i}]`)) }
    if (v instanceof Set) {
      const xs = [...v]
      if (xs.length === 0) throw invalid(`marshall: '${path}' is an empty Set (its type, SS/NS/BS, is unknown)`)
      if (xs.every((x) => typeof x === 'string')) return { SS: xs }
      if (xs.every((x) => (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'bigint')) return { NS: xs.map(String) }
      if (xs.every(isBytes)) return { BS: xs.map((b) => bytes(b, path, false)) }
      throw invalid(`marshall: '${path}' is a Set mixing types; use a Set of strings, numbers or Uint8Arrays`)
    }
    if (v instanceof Map) return { M: marshallObject(Object.fromEntries(v), `${path}.`) }
    if (typeof v === 'object') return { M: marshallObject(v, `${path}.`) }
    throw invalid(`marshall: '${path}' has unsupported type ${describe(v)}`)
  }

  function marshallObject(obj, prefix) {
    const out = {}
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = marshallValue(v, prefix + k)
    return out
  }

  /** Plain JS object → DynamoDB item (AttributeValue JSON). `undefined` properties are skipped. */
  function marshall(obj) {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw invalid(`marshall needs a plain object, got ${describe(obj)}`)
    return marshallObject(obj instanceof Map ? Object.fromEntries(obj) : obj, '')
  }

  /** N → number when `String(Number(n)) === n` (exact and canonical), else the string. */
  function number(n) {
    const x = Number(n)
    return Number.isFinite(x) && String(x) === n ? x : n
  }

  function unmarshallValue(v) {
    if (!v || typeof v !== 'object') throw invalid(`unmarshall: not an AttributeValue: ${describe(v)}`)
    if ('S' in v) return v.S
    if ('N' in v) return number(v.N)
    if ('B' in v) return typeof v.B === 'string' ? fromBase64(v.B, 'B') : v.B
    if ('BOOL' in v) return v.BOOL
    if ('NULL' in v) return null
    if ('L' in v) return v.L.map(unmarshallValue)
    if ('M' in v) return unmarshall(v.M)
    if ('SS' in v) return new Set(v.SS)
    if ('NS' in v) return new Set(v.NS.map(number))
    if ('BS' in v) return new Set(v.BS.map((b) => (typeof b === 'string' ? fromBase64(b, 'BS') : b)))
    throw invalid(`unmarshall: unknown AttributeValue type ${Object.keys(v).join(', ')}`)
  }

  /** DynamoDB item → plain JS object (see `number` for N). */
  function unmarshall(item) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid(`unmarshall needs an item object, got ${describe(item)}`)
    const out = {}
    for (const [k, v] of Object.entries(item)) out[k] = unmarshallValue(v)
    return out
  }

  return { CryptoAction, marshall, unmarshall, toBase64, fromBase64, isBytes }
}
