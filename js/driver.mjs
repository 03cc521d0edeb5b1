// The small module's message driver (sealkit/lite and the default browser entry): it steps the
// core's sans-IO machines (src/wasm/machine.rs) and answers each step with WebCrypto — key
// derivation (HKDF), the header tag and every frame (AES-GCM), the footer signature (ECDSA). The
// module parses and writes the format, checks the key commitment in constant time, holds
// plaintext back until it may be released and names every error; the only Rust code that waits
// is the materials manager (the keyrings). So the module carries no async message engine.
//
// A step is an array `[code, …fields]`: 0 input, 1 materials, 2 derive, 3 header tag, 4 start
// signing / verifying, 5 frames, 6 sign / verify, 7 done. Frame work is the frames and six
// numbers per job `[offset, len, ivOffset, aadOffset, aadLen, targetOffset]` into a parameter
// buffer. The frames are a view into wasm memory, not a copy: every WebCrypto call of a batch
// starts (and copies its input: WebCrypto spec, encrypt/decrypt step 1) before the module runs
// again. The results go straight into `m.target()`, a view taken after the last await.

const EMPTY = new Uint8Array(0)
const TAG = 16

/** `host`: `webCrypto(subtle)` of js/webcrypto-host.mjs. */
export function createDriver(wasm, host) {
  const { crypto: c, signatures } = host

  // → [the content key ({ seal, open }), the commit key or undefined]. The data key copy the
  // module handed over is zeroed here once WebCrypto has imported it.
  async function derive([, dataKey, hash, salt, info, len, commitInfo]) {
    try {
      if (!hash) return [await c.aesGcmKey(dataKey), undefined]
      return await c.messageKeys(hash, dataKey, salt, info, len, commitInfo)
    } finally {
      dataKey.fill(0)
    }
  }

  const JOB = 6
  // Job `i` of a frame table: [offset, len, iv, aad].
  const job = (jobs, params, i) => {
    const [at, len, iv, aad, aadLen] = jobs.subarray(JOB * i, JOB * i + 5)
    return [at, len, params.subarray(iv, iv + 12), params.subarray(aad, aad + aadLen)]
  }
  // WebCrypto calls that do not depend on each other run at once (one per frame of a batch).
  const eachJob = (jobs, params, f) => {
    const n = jobs.length / JOB
    if (n === 1) return f(...job(jobs, params, 0)).then((r) => [r]) // a small message's one frame
    return Promise.all(Array.from({ length: n }, (_, i) => f(...job(jobs, params, i))))
  }
  // Writes job `i`'s result `r` (of `len` bytes) into the batch's target.
  const put = (target, jobs, i, r, len) => {
    if (r.length !== len) throw new Error('sealkit: a WebCrypto result of the wrong length')
    target.set(r, jobs[JOB * i + 5])
  }

  // The steps both directions share, materials and key derivation → whether `s` was one.
  async function shared(m, s, st) {
    if (s[0] === 1) {
      await m.materials()
      m.useMaterials()
      return true
    }
    if (s[0] !== 2) return false
    const [key, commit] = await derive(s)
    st.key = key
    try {
      m.keysDerived(commit)
    } finally {
      if (commit) commit.fill(0)
    }
    return true
  }

  /** Steps decryption machine `m` until it needs input (→ false) or is done (→ true). */
  async function runDecrypt(m, st) {
    for (;;) {
      const s = m.step()
      if (await shared(m, s, st)) continue
      switch (s[0]) {
        case 0:
          return false
        case 3: // no ciphertext: the sealed input is the tag alone (views, copied by WebCrypto at once)
          m.headerOpened((await st.key.open(s[1], s[2], s[3])) !== null)
          break
        case 4: {
          let verifier
          try {
            verifier = await signatures.verifier(s[1], s[2])
          } catch {
            throw m.verifierFailed()
          }
          st.verifier = verifier
          verifier.update(s[3])
          m.verifierStarted()
          break
        }
        case 5: {
          const [, src, jobs, params] = s
          if (st.verifier) st.verifier.update(src) // it copies: `src` is a view
          const plain = await eachJob(jobs, params, (at, len, iv, aad) => st.key.open(iv, aad, src.subarray(at, at + len + TAG)))
          const failed = plain.indexOf(null)
          try {
            if (failed < 0) {
              const target = m.target()
              plain.forEach((p, i) => put(target, jobs, i, p, jobs[JOB * i + 1]))
            }
          } finally {
            for (const p of plain) if (p) p.fill(0)
          }
          m.opened(failed)
          break
        }
        case 6:
          m.verified(s.length > 1 && (await st.verifier.verify(s[1])))
          break
        default:
          return true
      }
    }
  }

  /** Steps encryption machine `m` until it needs input (→ false) or is done (→ true). The
   * message bytes stay in the machine (`takeOutput()`: one copy out of wasm per call). A
   * signer gets every byte before the footer: with `out`, as each piece is made (which then
   * goes to `out`); without, all at once from the machine's output at the signature step (a
   * one-shot encryption, whose output is taken once at the end). */
  async function runEncrypt(m, st, out) {
    for (;;) {
      const s = m.step()
      if (await shared(m, s, st)) continue
      switch (s[0]) {
        case 0:
          return false
        case 3: // views, copied by WebCrypto at once
          m.headerSealed(await st.key.seal(s[1], s[2], EMPTY))
          break
        case 4:
          st.signer = s[1] // from now on it gets every output byte, the header first
          m.signerStarted()
          break
        case 5: {
          // `buf` is a view: the plaintext stays in wasm memory, which the machine wipes if
          // the batch is never sealed.
          const [, buf, jobs, params] = s
          const sealed = await eachJob(jobs, params, (at, len, iv, aad) => st.key.seal(iv, aad, buf.subarray(at, at + len)))
          const target = m.target()
          sealed.forEach((x, i) => put(target, jobs, i, x, jobs[JOB * i + 1] + TAG))
          m.sealed()
          break
        }
        case 6: {
          const signer = st.signer
          st.signer = undefined // the footer is not signed
          // signData hands the view to WebCrypto synchronously, which copies it.
          m.signed(await (out ? signer.sign() : signer.signData(m.outputView())))
          break
        }
        default:
          return true
      }
      if (st.signer && out) {
        const o = m.takeOutput()
        if (o.length) {
          st.signer.update(o) // the signer copies: `out` goes to the caller
          out.push(o)
        }
      }
    }
  }

  const join = (chunks) => {
    const full = chunks.filter((x) => x.length)
    if (full.length === 1) return full[0]
    const out = new Uint8Array(full.reduce((n, x) => n + x.length, 0))
    let at = 0
    for (const x of full) out.set(x, at), (at += x.length)
    return out
  }

  // Frees a machine once (a machine whose `finish` ran is already empty; freeing wipes the rest).
  const freeing = (m) => {
    let live = true
    return () => {
      if (live) (live = false), m.free()
    }
  }

  return {
    /** One-shot encryption (arguments as `encryptMachine` without the length) → `{ result, messageHeader }`. */
    async encrypt(policy, maxEdks, keyring, plaintext, ...args) {
      const m = wasm.encryptMachine(policy, maxEdks, keyring, ...args, plaintext.length)
      try {
        const st = {}
        await runEncrypt(m, st)
        m.inputFinal(plaintext)
        await runEncrypt(m, st)
        return { result: m.takeOutput(), messageHeader: m.header() } // one copy of the message
      } finally {
        m.free()
      }
    },

    /** One-shot decryption → `{ plaintext, messageHeader, encryptionContext }`. */
    async decrypt(policy, maxEdks, keyring, ciphertext, ...args) {
      const m = wasm.decryptMachine(policy, maxEdks, keyring, ...args)
      try {
        m.input(ciphertext)
        m.end()
        await runDecrypt(m, {})
        return m.finish()
      } finally {
        m.free()
      }
    },

    /** An incremental encryption: `start()` (materials, header) → the header; `update(chunk)` and
     * `finish()` → the message bytes ready. One call at a time. */
    encryptor(policy, maxEdks, keyring, ...args) {
      const m = wasm.encryptMachine(policy, maxEdks, keyring, ...args, undefined)
      const free = freeing(m)
      const st = {}
      const out = []
      const run = async (f) => {
        try {
          f()
          await runEncrypt(m, st, out)
          out.push(m.takeOutput())
          return join(out.splice(0))
        } catch (e) {
          free()
          throw e
        }
      }
      return {
        start: () => run(() => {}).then((head) => (out.push(head), m.header())),
        update: (chunk) => run(() => m.input(chunk)),
        finish: () => run(() => m.end()).finally(free),
        free,
      }
    },

    /** An incremental decryption: `update(chunk)` → the plaintext that may be released; `header()`
     * once authenticated; `finish()` → `{ plaintext, messageHeader, encryptionContext }`. */
    decryptor(policy, maxEdks, keyring, ...args) {
      const m = wasm.decryptMachine(policy, maxEdks, keyring, ...args)
      const free = freeing(m)
      const st = {}
      const run = async (f, then) => {
        try {
          f()
          await runDecrypt(m, st)
          return then()
        } catch (e) {
          free()
          throw e
        }
      }
      return {
        update: (chunk) => run(() => m.input(chunk), () => m.takePlaintext()),
        header: () => m.header(),
        finish: () => run(() => m.end(), () => m.finish()).finally(free),
        free,
      }
    },
  }
}

/** The driver where there is no WebCrypto (`crypto.subtle` exists in secure contexts only):
 * every message call fails with ERR_UNSUPPORTED. */
export function unsupportedDriver() {
  const fail = () => {
    const e = new Error('unsupported: this context has no WebCrypto (crypto.subtle is offered in secure contexts only: https, localhost)')
    e.code = 'ERR_UNSUPPORTED'
    throw e
  }
  return { encrypt: async () => fail(), decrypt: async () => fail(), encryptor: fail, decryptor: fail }
}
