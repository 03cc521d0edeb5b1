// Node's native crypto as the wasm core's host implementation (src/wasm/host.rs,
// src/wasm/host_ecdsa.rs, src/wasm/host_rsa.rs): AES-GCM for message frames, ECDSA for message
// signatures and RSA-OAEP decryption for raw RSA keyrings (OpenSSL's RSA is constant time,
// the module's `rsa` 0.9 is not: RUSTSEC-2023-0071, see SECURITY.md). Same
// bytes on the wire as the pure-wasm code, several times faster. The core calls these with
// views into its memory: keys go straight to OpenSSL, and signing keys never leave it.
// scripts/build-wasm.sh derives node-host.cjs from this file (it must keep a single `export`).

// Returns the per-keyring host objects for createApi's `host` option: `rsaPrivateKey(pem)`.
export function installNodeHost(wasm, nodeCrypto) {
  const { createCipheriv, createDecipheriv, createSign, createVerify, createPublicKey, createPrivateKey, privateDecrypt, generateKeyPairSync, ECDH, sign: signOneShot, constants } =
    nodeCrypto

  // A raw RSA keyring's private key, held by OpenSSL. The core calls `decrypt` for OAEP only
  // (Node refuses PKCS#1 v1.5 decryption, CVE-2023-46809) and wipes the returned plaintext.
  const host = {
    rsaPrivateKey(pem) {
      let key
      try {
        key = createPrivateKey({ key: pem, format: 'pem' })
      } catch {
        return undefined // the core parses it and names what is wrong
      }
      if (key.asymmetricKeyType !== 'rsa') return undefined
      return {
        decrypt(hash, ciphertext) {
          return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext)
        },
      }
    },
  }

  const AES = { 16: 'aes-128-gcm', 24: 'aes-192-gcm', 32: 'aes-256-gcm' }
  wasm.setHostAead(
    {
      seal(key, iv, aad, buf, tag) {
        try {
          const c = createCipheriv(AES[key.length], key, iv, { authTagLength: 16 })
          c.setAAD(aad)
          const out = c.update(buf)
          c.final()
          if (out.length !== buf.length) return false
          buf.set(out)
          tag.set(c.getAuthTag())
          return true
        } catch {
          return false
        }
      },
      open(key, iv, aad, buf, tag) {
        let d, out
        try {
          d = createDecipheriv(AES[key.length], key, iv, { authTagLength: 16 })
          d.setAAD(aad)
          d.setAuthTag(tag)
          out = d.update(buf)
        } catch {
          return -1
        }
        try {
          d.final()
        } catch {
          out.fill(0)
          return 0
        }
        if (out.length !== buf.length) return -1
        buf.set(out)
        return 1
      },
    },
    512,
  )

  if (typeof wasm.setHostSignatures !== 'function') return host
  // ESDK signing suites: P-256/SHA-256 (0x0214) and P-384/SHA-384 (0x0346, 0x0378, 0x0578).
  // `spki` = the DER SubjectPublicKeyInfo prefix of an uncompressed point on the curve.
  const CURVES = {
    256: {
      name: 'prime256v1',
      hash: 'sha256',
      spki: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
    },
    384: { name: 'secp384r1', hash: 'sha384', spki: Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex') },
  }
  wasm.setHostSignatures({
    generate(curve) {
      const c = CURVES[curve]
      if (!c) return undefined
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: c.name })
      const spki = publicKey.export({ type: 'spki', format: 'der' })
      const point = spki.subarray(c.spki.length) // 04 ‖ x ‖ y
      const half = (point.length - 1) / 2
      const compressed = new Uint8Array(1 + half)
      compressed[0] = 2 + (point[point.length - 1] & 1)
      compressed.set(point.subarray(1, 1 + half), 1)
      const signer = createSign(c.hash)
      return {
        publicKey: compressed,
        update(data) {
          signer.update(data)
        },
        sign() {
          return signer.sign(privateKey)
        },
        // Item footers: a signature over these bytes alone, as often as asked.
        signData(data) {
          return signOneShot(c.hash, data, privateKey)
        },
      }
    },
    verifier(curve, sec1) {
      const c = CURVES[curve]
      if (!c) return undefined
      // Throws for bytes that are not a point on the curve: the core reports a bad public key.
      const point = ECDH.convertKey(sec1, c.name, undefined, undefined, 'uncompressed')
      const key = createPublicKey({ key: Buffer.concat([c.spki, point]), format: 'der', type: 'spki' })
      const verifier = createVerify(c.hash)
      return {
        update(data) {
          verifier.update(data)
        },
        verify(der) {
          return verifier.verify(key, der)
        },
      }
    },
  })
  return host
}
