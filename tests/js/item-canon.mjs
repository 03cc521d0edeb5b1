// Comparison helpers for DynamoDB items shared by the item test files.

/** A DynamoDB number in canonical form (what DynamoDB stores and decryption returns). */
export function normNum(s) {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s.trim())
  if (!m) return s
  const [, sign, int, frac = '', exp = '0'] = m
  let digits = (int + frac).replace(/^0+/, '')
  let e = parseInt(exp, 10) - frac.length
  if (!digits) return '0'
  const tz = digits.length - digits.replace(/0+$/, '').length
  digits = digits.slice(0, digits.length - tz)
  e += tz
  const out = e >= 0 ? digits + '0'.repeat(e) : digits.length > -e ? `${digits.slice(0, digits.length + e)}.${digits.slice(digits.length + e)}` : `0.${'0'.repeat(-e - digits.length)}${digits}`
  return (sign === '-' ? '-' : '') + out
}

// No Buffer: the item vector runner also runs in a browser page.
export const b64 = (b) => (typeof b === 'string' ? b : btoa(Array.from(b, (c) => String.fromCharCode(c)).join('')))

/** An item in comparable form: numbers normalized, sets sorted, binary as base64. */
export function canon(item) {
  const v = (x) => {
    if ('N' in x) return { N: normNum(x.N) }
    if ('NS' in x) return { NS: x.NS.map(normNum).sort() }
    if ('SS' in x) return { SS: [...x.SS].sort() }
    if ('B' in x) return { B: b64(x.B) }
    if ('BS' in x) return { BS: x.BS.map(b64).sort() }
    if ('L' in x) return { L: x.L.map(v) }
    if ('M' in x) return { M: canon(x.M) }
    return x
  }
  return Object.fromEntries(Object.entries(item).map(([k, x]) => [k, v(x)]).sort(([a], [b]) => (a < b ? -1 : 1)))
}
