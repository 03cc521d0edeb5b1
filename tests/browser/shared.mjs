// Runs in the browser page (bundled and unbundled): exercises the package and reports.
export async function runChecks(sealkit, fixture, { lite = false } = {}) {
  const { buildClient, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = sealkit
  const results = []
  const check = async (name, fn) => {
    try {
      await fn()
      results.push({ name, ok: true })
    } catch (e) {
      results.push({ name, ok: false, error: `${e && e.name}: ${e && e.code} ${e && e.message}` })
    }
  }
  const eq = (a, b, what) => {
    if (a !== b) throw new Error(`${what}: ${a} !== ${b}`)
  }
  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))
  const text = (b) => new TextDecoder().decode(b)
  const aes = new RawAesKeyring({ keyNamespace: fixture.namespace, keyName: fixture.keyName, wrappingKey: b64(fixture.aesKey) })

  await check('exports the names the Node entry exports (and index.d.ts declares)', async () => {
    eq(Object.keys(sealkit).sort().join(' '), fixture.nodeExports.join(' '), 'exports')
  })

  await check('encrypt/decrypt every default suite', async () => {
    for (const [policy, suiteId] of [
      ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', undefined],
      ['REQUIRE_ENCRYPT_REQUIRE_DECRYPT', 0x0478],
      ['FORBID_ENCRYPT_ALLOW_DECRYPT', 0x0178],
      ['FORBID_ENCRYPT_ALLOW_DECRYPT', 0x0214],
    ]) {
      const { encrypt, decrypt } = buildClient({ commitmentPolicy: policy })
      const { result, messageHeader } = await encrypt(aes, 'hello from the browser', { suiteId, encryptionContext: { where: 'browser' } })
      const out = await decrypt(aes, result, { encryptionContext: { where: 'browser' } })
      eq(text(out.plaintext), 'hello from the browser', 'plaintext')
      eq(out.messageHeader.suiteId, messageHeader.suiteId, 'suite')
    }
  })
  await check('decrypt messages made in Node (sealkit and @aws-crypto/client-node)', async () => {
    const { decrypt } = buildClient('REQUIRE_ENCRYPT_ALLOW_DECRYPT')
    for (const m of fixture.messages) {
      const out = await decrypt(aes, b64(m.ciphertext), { encryptionContext: fixture.encryptionContext })
      eq(text(out.plaintext), m.plaintext, m.from)
      eq(out.messageHeader.encryptionContext.origin, 'node', 'context')
    }
  })
  await check(lite ? 'lite: RawRsaKeyring is absent (ERR_INVALID_ARGUMENT)' : 'RSA keyring round trip; OAEP decrypted by WebCrypto (4 hashes, PKCS#8 and PKCS#1)', async () => {
    if (lite) {
      try {
        new RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: fixture.rsaPublic })
      } catch (e) {
        eq(e instanceof SealkitError && e.code, 'ERR_INVALID_ARGUMENT', 'lite RSA')
        return
      }
      throw new Error('lite build constructed an RSA keyring')
    }
    // Every OAEP decryption is WebCrypto's (constant time), not the module's rsa 0.9 code:
    // counted on the page's SubtleCrypto, which the package calls at decryption time.
    const subtle = globalThis.crypto && globalThis.crypto.subtle
    const oaep = []
    if (subtle) {
      const real = subtle.decrypt
      subtle.decrypt = function (alg, key, data) {
        if (alg && alg.name === 'RSA-OAEP') oaep.push(key.algorithm.hash.name)
        return real.call(this, alg, key, data)
      }
    }
    const expected = []
    try {
      const rsa = new RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r', publicKey: fixture.rsaPublic, privateKey: fixture.rsaPrivate, padding: 'oaep-sha256' })
      const multi = new MultiKeyring({ generator: aes, children: [rsa] })
      const { encrypt, decrypt } = buildClient()
      const { result } = await encrypt(multi, 'rsa in the browser')
      eq(text((await decrypt(rsa, result)).plaintext), 'rsa in the browser', 'rsa')
      expected.push('SHA-256')
      rsa.dispose()
      for (const hash of ['1', '256', '384', '512']) {
        for (const form of ['pkcs8', 'pkcs1']) {
          const { publicKey, [form]: privateKey } = fixture.rsa2048
          const k = new RawRsaKeyring({ keyNamespace: 'rsa', keyName: 'r2', publicKey, privateKey, padding: `oaep-sha${hash}` })
          const { result } = await encrypt(k, `oaep-sha${hash} ${form}`)
          eq(text((await decrypt(k, result)).plaintext), `oaep-sha${hash} ${form}`, `oaep-sha${hash} ${form}`)
          expected.push(`SHA-${hash}`)
          k.dispose()
        }
      }
    } finally {
      if (subtle) delete subtle.decrypt
    }
    if (subtle) eq(oaep.join(' '), expected.join(' '), 'WebCrypto RSA-OAEP decryptions')
  })
  await check('streams round trip', async () => {
    const { encryptStream, decryptStream } = buildClient()
    const pt = new Uint8Array(100000).map((_, i) => i & 0xff)
    const src = new ReadableStream({
      start(c) {
        for (let i = 0; i < pt.length; i += 9999) c.enqueue(pt.slice(i, i + 9999))
        c.close()
      },
    })
    const dec = decryptStream(aes)
    const out = []
    for (const r = src.pipeThrough(encryptStream(aes, { frameLength: 1000 })).pipeThrough(dec).getReader(); ; ) {
      const { done, value } = await r.read()
      if (done) break
      out.push(...value)
    }
    eq(out.length, pt.length, 'length')
    eq(out.every((v, i) => v === pt[i]), true, 'bytes')
    eq((await dec.messageHeader).frameLength, 1000, 'header')
  })
  await check('errors are SealkitError with codes', async () => {
    const { decrypt } = buildClient()
    for (const [input, code] of [
      [new Uint8Array([1, 2, 3]), 'ERR_BAD_CIPHERTEXT'],
      [new Uint8Array(0), 'ERR_TRUNCATED'],
      ['nope', 'ERR_INVALID_ARGUMENT'],
    ]) {
      try {
        await decrypt(aes, input)
        throw new Error('no error')
      } catch (e) {
        if (!(e instanceof SealkitError) || !(e instanceof Error)) throw e
        eq(e.code, code, 'code')
      }
    }
    try {
      new RawAesKeyring({ keyNamespace: 'n', keyName: 'k', wrappingKey: new Uint8Array(20) })
      throw new Error('no error')
    } catch (e) {
      eq(e.code, 'ERR_INVALID_ARGUMENT', 'bad key')
    }
  })
  return results
}
