// WebCrypto RSA-OAEP as the full module's encryption and decryption for raw RSA keyrings in
// browsers and Workers (src/wasm/host_rsa.rs): the browser's RSA private-key operations are
// constant time, the module's `rsa` 0.9 is not (RUSTSEC-2023-0071, see SECURITY.md), and its
// public-key operation is several times faster than the module's big-number code.
//
// `createWebCryptoRsaHost(subtle)` returns createApi's `host` option, `{ rsaPrivateKey(pem,
// padding), rsaPublicKey(pem, padding) }`, or undefined without WebCrypto (an insecure context),
// where the module encrypts and decrypts by itself. A key is imported on its first use, not at
// construction: an encrypt-only keyring never imports its private key, and Workers allow no
// crypto at global scope. If WebCrypto refuses a key, every use answers null and the module's
// own implementation takes over.

const HASHES = { 'oaep-sha1': 'SHA-1', 'oaep-sha256': 'SHA-256', 'oaep-sha384': 'SHA-384', 'oaep-sha512': 'SHA-512' }
const NAMES = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' }

// AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL } and the version 0 before it.
const PKCS8_PREFIX = [0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]

/** A DER length octet string (X.690 8.1.3). */
function derLength(n) {
  if (n < 0x80) return [n]
  const out = []
  for (; n > 0; n = Math.floor(n / 256)) out.unshift(n & 0xff)
  return [0x80 | out.length, ...out]
}

/** The DER bytes of a PEM body (base64, whitespace ignored); throws if it is not base64. */
const base64Der = (body) => Uint8Array.from(atob(body.replace(/\s+/g, '')), (c) => c.charCodeAt(0))

/** The PKCS#8 DER of a PEM private key; a PKCS#1 `RSA PRIVATE KEY` is wrapped (RFC 5208). */
function pkcs8Der(pem) {
  const m = /-----BEGIN (RSA )?PRIVATE KEY-----([\s\S]*?)-----END \1?PRIVATE KEY-----/.exec(pem)
  if (!m) return undefined
  const der = base64Der(m[2])
  if (!m[1]) return der
  const inner = [0x04, ...derLength(der.length)]
  const body = PKCS8_PREFIX.length + inner.length + der.length
  const head = [0x30, ...derLength(body), ...PKCS8_PREFIX, ...inner]
  const out = new Uint8Array(head.length + der.length)
  out.set(head)
  out.set(der, head.length)
  der.fill(0)
  return out
}

/** The SubjectPublicKeyInfo DER of a PEM `PUBLIC KEY`; undefined for any other PEM (a PKCS#1
 * `RSA PUBLIC KEY` is encrypted to by the module itself). */
function spkiDer(pem) {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(pem)
  return m ? base64Der(m[1]) : undefined
}

/** A cache of one WebCrypto import per OAEP hash (WebCrypto binds the hash to the key);
 * `importFor(hash)` → Promise of the key, or of null when WebCrypto refuses it. */
function perHash(importFor) {
  const keys = new Map()
  return (hash) => {
    if (!keys.has(hash)) keys.set(hash, importFor(hash).catch(() => null))
    return keys.get(hash)
  }
}

export function createWebCryptoRsaHost(subtle) {
  if (!subtle || typeof subtle.importKey !== 'function') return undefined
  return {
    // The public key, for encryption: WebCrypto's RSA-OAEP is several times faster than the
    // module's big-number code. Imported on the first encryption.
    rsaPublicKey(pem, padding) {
      if (typeof pem !== 'string' || !(padding in HASHES)) return undefined
      let der
      try {
        der = spkiDer(pem)
      } catch {
        return undefined // not base64: the core parses it and names what is wrong
      }
      if (!der) return undefined
      const keyFor = perHash((hash) => subtle.importKey('spki', der, { name: 'RSA-OAEP', hash }, false, ['encrypt']))
      return {
        async: true,
        // `plaintext` (a data key) is the core's copy, which it zeroes once answered; null
        // lets the module encrypt when WebCrypto refuses the key.
        async encrypt(hash, plaintext) {
          const key = await keyFor(NAMES[hash])
          if (key === null) return null
          return new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key, plaintext))
        },
      }
    },
    rsaPrivateKey(pem, padding) {
      if (typeof pem !== 'string' || !(padding in HASHES)) return undefined
      // Null when WebCrypto cannot use this key: the module decrypts.
      const keyFor = perHash(async (hash) => {
        let der
        try {
          der = pkcs8Der(pem)
          return der ? await subtle.importKey('pkcs8', der, { name: 'RSA-OAEP', hash }, false, ['decrypt']) : null
        } finally {
          if (der) der.fill(0)
        }
      })
      return {
        // The core awaits this answer (src/wasm/host_rsa.rs), so the keyring takes the
        // promise-returning calls (js/api.mjs `waits`).
        async: true,
        async decrypt(hash, ciphertext) {
          const key = await keyFor(NAMES[hash])
          if (key === null) return null
          // A refusal rejects: one undetailed failure in the core.
          return new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP' }, key, ciphertext))
        },
      }
    },
  }
}
