// sealkit JS API: the binary item form that crosses the wasm boundary (the Rust side and the
// layout: src/item/wire.rs). An item goes in and comes out as one byte array: no JSON, no
// base64, numbers keep their spelling. Like api.mjs: imports nothing, exactly one export;
// scripts/build-wasm.sh derives item-wire.cjs from it.

export function createItemWire({ invalid, bytes, describe, fromBase64 }) {
  const TAG = { S: 1, N: 2, B: 3, BOOL: 4, NULL: 5, L: 6, M: 7, SS: 8, NS: 9, BS: 10 }
  const utf8 = new TextEncoder()
  const text = new TextDecoder()

  /** Appends to a growing buffer; strings are written in place with encodeInto. */
  class Writer {
    constructor() {
      this.buf = new Uint8Array(4096) // most items fit: no growth, no copy
      this.view = new DataView(this.buf.buffer)
      this.len = 0
    }
    room(n) {
      if (this.len + n <= this.buf.length) return
      let size = this.buf.length * 2
      while (size < this.len + n) size *= 2
      const next = new Uint8Array(size)
      next.set(this.buf.subarray(0, this.len))
      this.buf.fill(0) // may hold plaintext
      this.buf = next
      this.view = new DataView(next.buffer)
    }
    u8(v) {
      this.room(1)
      this.buf[this.len++] = v
    }
    u32(v) {
      this.room(4)
      this.view.setUint32(this.len, v)
      this.len += 4
    }
    str(s, what) {
      if (typeof s !== 'string') throw invalid(`${what} must be a string, got ${describe(s)}`)
      if (s.isWellFormed && !s.isWellFormed()) throw invalid(`${what} is not well-formed Unicode (a lone surrogate)`)
      this.room(4 + s.length * 3)
      const { written } = utf8.encodeInto(s, this.buf.subarray(this.len + 4))
      this.view.setUint32(this.len, written)
      this.len += 4 + written
    }
    bin(b, what) {
      const u8 = typeof b === 'string' ? fromBase64(b, what) : bytes(b, what, false)
      this.u32(u8.length)
      this.room(u8.length)
      this.buf.set(u8, this.len)
      this.len += u8.length
    }
    // A view, not a copy: the module copies it in once, and the caller wipes it afterwards.
    done() {
      return this.buf.subarray(0, this.len)
    }
  }

  const list = (x, what) => {
    if (!Array.isArray(x)) throw invalid(`${what} must be an array, got ${describe(x)}`)
    return x
  }

  const number = (n) => (typeof n === 'number' || typeof n === 'bigint' ? String(n) : n)

  function putValue(w, v, path) {
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalid(`attribute '${path}' must be an AttributeValue object such as { S: 'x' }, got ${describe(v)}`)
    const keys = Object.keys(v).filter((k) => v[k] !== undefined)
    if (keys.length !== 1) throw invalid(`attribute '${path}' must have exactly one type key (S, N, B, BOOL, NULL, L, M, SS, NS, BS), got ${keys.length ? keys.join(', ') : 'none'}`)
    const t = keys[0]
    const x = v[t]
    const what = `attribute '${path}' ${t}`
    switch (t) {
      case 'S':
        w.u8(TAG.S)
        return w.str(x, what)
      case 'N':
        w.u8(TAG.N)
        return w.str(number(x), what)
      case 'B':
        w.u8(TAG.B)
        return w.bin(x, what)
      case 'BOOL':
        if (typeof x !== 'boolean') throw invalid(`${what} must be true or false, got ${describe(x)}`)
        w.u8(TAG.BOOL)
        return w.u8(x ? 1 : 0)
      case 'NULL':
        if (x !== true) throw invalid(`${what} must be true, got ${describe(x)}`)
        return w.u8(TAG.NULL)
      case 'L':
        w.u8(TAG.L)
        w.u32(list(x, what).length)
        return x.forEach((e, i) => putValue(w, e, `${path}[${i}]`))
      case 'M':
        w.u8(TAG.M)
        return putMap(w, x, `${path}.`)
      case 'SS':
      case 'NS':
        w.u8(TAG[t])
        w.u32(list(x, what).length)
        return x.forEach((s, i) => w.str(t === 'NS' ? number(s) : s, `${what}[${i}]`))
      case 'BS':
        w.u8(TAG.BS)
        w.u32(list(x, what).length)
        return x.forEach((b, i) => w.bin(b, `${what}[${i}]`))
      default:
        throw invalid(`attribute '${path}' has an unknown DynamoDB type '${t}'`)
    }
  }

  function putMap(w, item, prefix) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw invalid(`${prefix ? `attribute '${prefix.slice(0, -1)}' M` : 'item'} must be an object of attribute name → AttributeValue, got ${describe(item)}`)
    const entries = Object.entries(item).filter(([, v]) => v !== undefined)
    w.u32(entries.length)
    for (const [k, v] of entries) {
      w.str(k, `attribute name '${prefix}${k}'`)
      putValue(w, v, prefix + k)
    }
  }

  /** An item (AttributeValues, B/BS as Uint8Array or base64) → its wire bytes. */
  function encodeItem(item) {
    const w = new Writer()
    try {
      putMap(w, item, '')
    } catch (e) {
      w.buf.fill(0) // the plaintext written before the bad value
      throw e
    }
    return w.done()
  }

  /** Wire bytes written by the module → an item with B/BS as Uint8Array. */
  function decodeItem(buf) {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    let at = 0
    const u32 = () => {
      const v = view.getUint32(at)
      at += 4
      return v
    }
    const raw = () => {
      const n = u32()
      const out = buf.slice(at, at + n)
      at += n
      return out
    }
    const str = () => {
      const n = u32()
      const out = text.decode(buf.subarray(at, at + n))
      at += n
      return out
    }
    const times = (f) => {
      const out = new Array(u32())
      for (let i = 0; i < out.length; i++) out[i] = f()
      return out
    }
    const map = () => {
      const out = {}
      for (let n = u32(); n > 0; n--) {
        const k = str()
        // An own property even for '__proto__', as JSON.parse makes it.
        if (k === '__proto__') Object.defineProperty(out, k, { value: value(), enumerable: true, writable: true, configurable: true })
        else out[k] = value()
      }
      return out
    }
    function value() {
      switch (buf[at++]) {
        case TAG.S:
          return { S: str() }
        case TAG.N:
          return { N: str() }
        case TAG.B:
          return { B: raw() }
        case TAG.BOOL:
          return { BOOL: buf[at++] === 1 }
        case TAG.NULL:
          return { NULL: true }
        case TAG.L:
          return { L: times(value) }
        case TAG.M:
          return { M: map() }
        case TAG.SS:
          return { SS: times(str) }
        case TAG.NS:
          return { NS: times(str) }
        case TAG.BS:
          return { BS: times(raw) }
        default:
          throw invalid('the module returned a malformed item')
      }
    }
    return map()
  }

  return { encodeItem, decodeItem }
}
