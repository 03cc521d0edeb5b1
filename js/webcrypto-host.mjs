// WebCrypto as the small wasm module's AES-GCM, AES-CTR, HKDF, HMAC, SHA-384 and RSA-OAEP encryption
// (src/wasm/host_crypto.rs) and ECDSA
// (src/wasm/host_ecdsa.rs), for `sealkit/lite` and the default browser entry: the module
// carries no SHA-2, no elliptic-curve code and only AES-192 (which Chromium's WebCrypto refuses). Key pairs are generated non-extractable inside
// WebCrypto; signatures cross as IEEE P1363 `r ‖ s` (the core converts to and from DER).
// WebCrypto signs and verifies whole inputs only, so the bytes of a signed message are
// collected here until the signature is made or checked.

export function installWebCryptoHost(wasm, subtle) {
  const host = webCrypto(subtle)
  if (wasm.setHostCrypto) wasm.setHostCrypto(host.crypto)
  wasm.setHostSignatures(host.signatures)
  return host
}

/**
 * WebCrypto as `{ crypto, signatures }`: the host objects the module's seams take
 * (`setHostCrypto`, `setHostSignatures`), also used directly by the JS driver (js/driver.mjs).
 */
export function webCrypto(subtle) {
  // Curve constants (SEC 2 / FIPS 186-4): field prime p and coefficient b of y² = x³ − 3x + b.
  const CURVES = {
    256: {
      name: 'P-256',
      hash: 'SHA-256',
      size: 32,
      p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
      b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    },
    384: {
      name: 'P-384',
      hash: 'SHA-384',
      size: 48,
      p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
      b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    },
  }

  // The collected chunks as one buffer for WebCrypto (a plain copy: a Blob's arrayBuffer() goes
  // through the browser's blob storage, about a millisecond per message in Chromium).
  const joined = (chunks) => {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let at = 0
    for (const c of chunks.splice(0)) {
      out.set(c, at)
      at += c.length
    }
    return out
  }
  const toBigInt = (bytes) => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n)
  const toBytes = (n, size) => {
    const out = new Uint8Array(size)
    for (let i = size - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn)
    return out
  }
  const modPow = (base, exp, m) => {
    let result = 1n
    for (base %= m; exp > 0n; exp >>= 1n, base = (base * base) % m) if (exp & 1n) result = (result * base) % m
    return result
  }

  // WebCrypto imports uncompressed points only (browsers differ on compressed ones); the ESDK
  // stores compressed ones. y = √(x³ − 3x + b) mod p, as p ≡ 3 (mod 4) for both curves.
  function uncompressed(c, sec1) {
    if (sec1.length === 1 + 2 * c.size && sec1[0] === 4) return sec1.slice() // importKey checks it
    if (sec1.length !== 1 + c.size || (sec1[0] !== 2 && sec1[0] !== 3)) throw new Error('not a SEC1 point')
    const x = toBigInt(sec1.subarray(1))
    if (x >= c.p) throw new Error('x is not a field element')
    const rhs = (((x * x - 3n) * x + c.b) % c.p + c.p) % c.p
    let y = modPow(rhs, (c.p + 1n) / 4n, c.p)
    if ((y * y) % c.p !== rhs) throw new Error('not a point on the curve')
    if ((y & 1n) !== BigInt(sec1[0] & 1)) y = c.p - y
    const out = new Uint8Array(1 + 2 * c.size)
    out[0] = 4
    out.set(toBytes(x, c.size), 1)
    out.set(toBytes(y, c.size), 1 + c.size)
    return out
  }

  // Arguments are views into wasm memory, valid only during the call. Key bytes are copied
  // before WebCrypto sees them (the copies zeroed once imported), and so is whatever is used
  // after an await. The data and the AES-GCM parameters of encrypt/decrypt are passed as they
  // are: WebCrypto copies them before the call returns (WebCrypto spec, encrypt/decrypt step 1
  // "get a copy of the bytes held by data"; also what Node does), which spares a copy of every
  // frame.
  const secret = async (bytes, use) => {
    try {
      return await use(bytes)
    } finally {
      bytes.fill(0)
    }
  }
  // The IV and AAD are not copied either: normalizing the algorithm copies a BufferSource member
  // before the call returns (WebCrypto spec, "normalize an algorithm": "getting a copy of the
  // bytes held by" it).
  // Plain promise chains, not async functions: these run once per frame and header, and the
  // async form's extra promise and resumption showed in a 1 KiB message's profile.
  const asBytes = (b) => new Uint8Array(b)
  const unverified = (e) => {
    if (e && e.name === 'OperationError') return null // the tag did not verify
    throw e
  }
  const gcmKey = (key) => ({
    seal(iv, aad, plaintext) {
      return subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, plaintext).then(asBytes)
    },
    open(iv, aad, sealed) {
      return subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, key, sealed).then(asBytes, unverified)
    },
  })
  const USES = ['encrypt', 'decrypt']
  // A non-extractable AES-GCM key of `length` bytes, derived from an imported HKDF key.
  const deriveGcmKey = (params, key, length) => subtle.deriveKey(params, key, { name: 'AES-GCM', length: length * 8 }, false, USES)
  // → [the HKDF key, its parameters] (imported and copied before the first await)
  const hkdfKey = (hash, ikm, salt, info) => [
    secret(ikm.slice(), (b) => subtle.importKey('raw', b, 'HKDF', false, ['deriveBits', 'deriveKey'])),
    { name: 'HKDF', hash: `SHA-${hash}`, salt: salt.slice(), info: info.slice() },
  ]
  const crypto = {
    random(view) {
      globalThis.crypto.getRandomValues(view) // straight into wasm memory
    },
    async hkdf(hash, ikm, salt, info, length) {
      const [key, params] = hkdfKey(hash, ikm, salt, info)
      return new Uint8Array(await subtle.deriveBits(params, await key, length * 8))
    },
    // The content key is derived inside WebCrypto, non-extractable: it never exists as bytes.
    async hkdfAesKey(hash, ikm, salt, info, length) {
      const [key, params] = hkdfKey(hash, ikm, salt, info)
      return gcmKey(await deriveGcmKey(params, await key, length))
    },
    // A message's content key and, for a committing suite, its commit key (`commitInfo`), from
    // one import of the data key: the JS driver's key derivation (js/driver.mjs).
    async messageKeys(hash, ikm, salt, info, length, commitInfo) {
      const [key, params] = hkdfKey(hash, ikm, salt, info)
      const k = await key
      const content = deriveGcmKey(params, k, length)
      const commit = commitInfo && subtle.deriveBits({ ...params, info: commitInfo.slice() }, k, 256)
      return [gcmKey(await content), commit && new Uint8Array(await commit)]
    },
    async aesGcmKey(raw) {
      return gcmKey(await secret(raw.slice(), (b) => subtle.importKey('raw', b, 'AES-GCM', false, USES)))
    },
    // The item format's recipient tags and header commitment. `data` is copied before the
    // first await (the view dies with the next wasm allocation).
    async hmac(bits, key, data) {
      const bytes = data.slice()
      const params = { name: 'HMAC', hash: `SHA-${bits}` }
      const k = await secret(key.slice(), (b) => subtle.importKey('raw', b, params, false, ['sign']))
      return new Uint8Array(await subtle.sign('HMAC', k, bytes))
    },
    // Keystream = the encryption of zeros: the item format's per-field keys (AES-256-CTR).
    async aesCtr(key, counter, length) {
      const params = { name: 'AES-CTR', counter: counter.slice(), length: 128 }
      const k = await secret(key.slice(), (b) => subtle.importKey('raw', b, 'AES-CTR', false, ['encrypt']))
      return new Uint8Array(await subtle.encrypt(params, k, new Uint8Array(length)))
    },
    // digest copies its input before it returns (WebCrypto spec, digest step 2).
    async digest(bits, data) {
      return new Uint8Array(await subtle.digest(`SHA-${bits}`, data))
    },
    // The KMS RSA keyring's offline encrypt; the plaintext (digest ‖ data key) is copied out of
    // wasm memory before the first await and zeroed once encrypted.
    async rsaOaepEncrypt(hash, spki, plaintext) {
      const data = plaintext.slice()
      try {
        const params = { name: 'RSA-OAEP', hash: hash === 1 ? 'SHA-1' : `SHA-${hash}` }
        const key = await subtle.importKey('spki', spki.slice(), params, false, ['encrypt'])
        return new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key, data))
      } finally {
        data.fill(0)
      }
    },
  }

  const signatures = {
    signatureFormat: 'p1363',
    async generate(curve) {
      const c = CURVES[curve]
      if (!c) return undefined
      const { privateKey, publicKey } = await subtle.generateKey({ name: 'ECDSA', namedCurve: c.name }, false, ['sign'])
      const point = new Uint8Array(await subtle.exportKey('raw', publicKey)) // 04 ‖ x ‖ y
      const compressed = new Uint8Array(1 + c.size)
      compressed[0] = 2 + (point[point.length - 1] & 1)
      compressed.set(point.subarray(1, 1 + c.size), 1)
      const chunks = []
      const sign = async (data) => new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: c.hash }, privateKey, data))
      return {
        publicKey: compressed,
        // Views into wasm memory are only valid during the call: copy.
        update(data) {
          chunks.push(data.slice())
        },
        async sign() {
          return sign(joined(chunks))
        },
        // `sign` hands `data` to WebCrypto before it awaits (and WebCrypto copies it, spec
        // sign step 2): a view into wasm memory is safe here without a copy.
        signData(data) {
          return sign(data)
        },
      }
    },
    verifier(curve, sec1) {
      const c = CURVES[curve]
      if (!c) return undefined
      const point = uncompressed(c, sec1) // throws for a bad point: the core reports it
      const key = subtle.importKey('raw', point, { name: 'ECDSA', namedCurve: c.name }, false, ['verify'])
      const chunks = []
      return key.then((key) => ({
        update(data) {
          chunks.push(data.slice())
        },
        async verify(signature) {
          const sig = signature.slice() // a view into wasm memory: copied before any await
          return subtle.verify({ name: 'ECDSA', hash: c.hash }, key, sig, joined(chunks))
        },
      }))
    },
  }
  return { crypto, signatures }
}
