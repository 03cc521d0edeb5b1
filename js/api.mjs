// sealkit JS API over the wasm bindings (`src/wasm`). No crypto here: argument checks,
// type conversion, error mapping and WHATWG streams. This file imports nothing; the entries
// (index.node.mjs, index.browser.mjs, index.cjs) load the wasm and call createApi(glue).
// scripts/build-wasm.sh derives api.cjs from this file (it must keep a single `export`).

// `driver` (js/driver.mjs): the small module's WebCrypto driver of the core's message machines,
// which the promise-returning message calls go through there. `host`: `rsaPrivateKey(pem, padding)`
// → a raw RSA keyring's private key held by node:crypto (js/node-host.mjs) or WebCrypto
// (js/webcrypto-rsa.mjs), or undefined.
export function createApi(wasm, { extend, driver, host } = {}) {
  const { WasmClient, WasmKeyring, WasmMultiBuilder } = wasm

  /** Every failure of the API: `code` is stable (Rust `Error::code()`), `message` is for humans. */
  class SealkitError extends Error {
    constructor(code, message, options) {
      super(message, options)
      this.name = 'SealkitError'
      this.code = code
    }
  }

  const invalid = (message) => new SealkitError('ERR_INVALID_ARGUMENT', `invalid argument: ${message}`)

  function toSealkitError(e) {
    if (e instanceof SealkitError) return e
    // a KMS failure keeps the AWS error shape ({ name, message, $metadata }) as its cause
    if (e && typeof e.code === 'string' && e.code.startsWith('ERR_')) return new SealkitError(e.code, e.message, e.cause === undefined ? undefined : { cause: e.cause })
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
      // Must not happen: the core is panic-free. Reported, never passed through as a trap.
      return new SealkitError('ERR_INTERNAL', `internal error in the wasm module: ${e.message}`)
    }
    // wasm-bindgen's own argument checks (e.g. a freed object) land here.
    return new SealkitError('ERR_INVALID_ARGUMENT', `invalid argument: ${e && e.message ? e.message : String(e)}`)
  }

  async function settle(promiseFn) {
    try {
      return await promiseFn()
    } catch (e) {
      throw toSealkitError(e)
    }
  }

  // The small module (default browser entry, sealkit/lite) does its crypto with WebCrypto
  // (async): it has no synchronous one-shot calls, and no AES-192 (Chromium's WebCrypto has none).
  const ASYNC_ONE_SHOT = typeof WasmClient.prototype.encrypt !== 'function'
  const encryptAsync = driver ? driver.encrypt : wasm.encryptAsync
  const decryptAsync = driver ? driver.decrypt : wasm.decryptAsync
  // The core's facts about a suite id (wasm `suiteFacts`): false for anything not an id.
  const suiteFact = (bit) => (suite) => Number.isInteger(suite) && suite >= 0 && suite <= 0xffff && (wasm.suiteFacts(suite) & bit) !== 0
  const isAes192 = suiteFact(2)
  const unsupported192 = (what) =>
    new SealkitError('ERR_UNSUPPORTED', `unsupported: ${what} (AES-192) is not in sealkit/lite's small module; import 'sealkit' or 'sealkit/full'`)

  /** [promise, resolve, reject]; the promise's rejection counts as handled. */
  function deferredPromise() {
    let resolve, reject
    const p = new Promise((res, rej) => ((resolve = res), (reject = rej)))
    p.catch(() => {})
    return [p, resolve, reject]
  }

  function concatChunks(chunks) {
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
    let o = 0
    for (const c of chunks) {
      out.set(c, o)
      o += c.length
    }
    return out
  }

  function call(fn) {
    try {
      return fn()
    } catch (e) {
      throw toSealkitError(e)
    }
  }

  // ---------------------------------------------------------------- argument conversion

  const utf8 = new TextEncoder()

  function bytes(value, name, allowString) {
    if (value instanceof Uint8Array) return value
    if (allowString && typeof value === 'string') return utf8.encode(value)
    if (value instanceof ArrayBuffer) return new Uint8Array(value)
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    throw invalid(`${name} must be a Uint8Array${allowString ? ' or a string' : ''}, got ${describe(value)}`)
  }

  function describe(v) {
    if (v === null) return 'null'
    if (Array.isArray(v)) return 'an array'
    return typeof v === 'object' ? (v.constructor && v.constructor.name) || 'an object' : typeof v
  }

  function options(value, name) {
    if (value === undefined || value === null) return {}
    if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${name} must be an object, got ${describe(value)}`)
    return value
  }

  const LONE_SURROGATE = /\p{Surrogate}/u

  /** `{k: v}` (or a Map) of strings → flat [k1, v1, …]. */
  function contextPairs(value, name) {
    if (value === undefined || value === null) return []
    const entries =
      value instanceof Map
        ? [...value.entries()]
        : typeof value === 'object' && !Array.isArray(value)
          ? Object.entries(value)
          : null
    if (!entries) throw invalid(`${name} must be an object mapping strings to strings, got ${describe(value)}`)
    const flat = []
    for (const [k, v] of entries) {
      if (typeof k !== 'string') throw invalid(`${name} keys must be strings`)
      if (typeof v !== 'string') throw invalid(`${name}['${k}'] must be a string, got ${describe(v)}`)
      // UTF-8 cannot carry a lone surrogate; encoding would silently change the pair.
      if (LONE_SURROGATE.test(k) || LONE_SURROGATE.test(v)) throw invalid(`${name} keys and values must be well-formed Unicode`)
      flat.push(k, v)
    }
    return flat
  }

  function stringList(value, name) {
    if (value === undefined || value === null) return []
    if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) throw invalid(`${name} must be an array of strings`)
    return value
  }

  function integer(value, name, min, max) {
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalid(`${name} must be an integer between ${min} and ${max}, got ${typeof value === 'number' ? value : describe(value)}`)
    }
    return value
  }

  function str(value, name) {
    if (typeof value !== 'string') throw invalid(`${name} must be a string, got ${describe(value)}`)
    return value
  }

  const SIGNED_MODES = { 'verify-before-release': 0, 'release-unverified-frames': 1, refuse: 2 }

  function signedMode(o) {
    let mode = o.signedMessages === undefined ? undefined : o.signedMessages
    if (mode !== undefined && !(typeof mode === 'string' && mode in SIGNED_MODES)) {
      throw invalid(`signedMessages must be 'verify-before-release', 'release-unverified-frames' or 'refuse'`)
    }
    if (o.unsignedOnly !== undefined && typeof o.unsignedOnly !== 'boolean') throw invalid('unsignedOnly must be a boolean')
    if (o.unsignedOnly) {
      if (mode !== undefined && mode !== 'refuse') throw invalid(`unsignedOnly: true conflicts with signedMessages: '${mode}'`)
      mode = 'refuse'
    }
    return SIGNED_MODES[mode || 'verify-before-release']
  }

  // ---------------------------------------------------------------- keyrings

  const handles = new WeakMap()

  function handleOf(keyring, name) {
    const h = handles.get(keyring)
    if (h === undefined) throw invalid(`${name} must be a keyring (RawAesKeyring, RawRsaKeyring, MultiKeyring, a KMS or hierarchical keyring) or a CachingMaterialsManager, got ${describe(keyring)}`)
    if (h === null || h.disposed) throw invalid(`${name} has been disposed`)
    return h
  }

  class Keyring {
    /** Zeroizes the key material in wasm memory; later use throws ERR_INVALID_ARGUMENT. */
    dispose() {
      const h = handles.get(this)
      if (h) {
        h.dispose()
        h.free()
      }
      handles.set(this, null)
      hooks.disposed(this)
    }

    /** Whether dispose() was called. */
    get disposed() {
      const h = handles.get(this)
      return hooks.deferred(this) ? hooks.isDisposed(this) : !h || h.disposed
    }
  }

  class RawAesKeyring extends Keyring {
    constructor(config) {
      super()
      const { keyNamespace, keyName, wrappingKey } = options(config, 'RawAesKeyring options')
      str(keyNamespace, 'keyNamespace')
      str(keyName, 'keyName')
      const key = bytes(wrappingKey, 'wrappingKey', false)
      if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
        throw invalid(`wrappingKey must be 16, 24 or 32 bytes, got ${key.length}`)
      }
      if (key.length === 24 && ASYNC_ONE_SHOT) {
        // AES-192 wrapping: the full module's keyring (default browser entry), or not at all.
        if (!hooks.canDelegate) throw unsupported192('a 24-byte wrappingKey')
        hooks.deferRawAes(this, keyNamespace, keyName, key)
      } else {
        // The bytes are copied into wasm memory, owned by the Rust keyring and zeroized there.
        handles.set(this, call(() => WasmKeyring.rawAes(keyNamespace, keyName, key)))
        hooks.rawAesCreated(this, keyNamespace, keyName, key)
      }
      this.keyNamespace = keyNamespace
      this.keyName = keyName
    }
  }

  const PADDINGS = ['pkcs1', 'oaep-sha1', 'oaep-sha256', 'oaep-sha384', 'oaep-sha512']

  function pem(value, name, label) {
    if (value === undefined || value === null) return undefined
    const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value
    if (typeof text !== 'string') throw invalid(`${name} must be a PEM string, got ${describe(value)}`)
    if (!new RegExp(`-----BEGIN (RSA )?${label}-----`).test(text)) {
      throw invalid(`${name} must be a PEM ${label} (-----BEGIN ${label}----- or -----BEGIN RSA ${label}-----)`)
    }
    return text
  }

  // Keyrings (and CachingMaterialsManagers) whose materials come from an answer given later:
  // a KMS (kms.mjs), or a host RSA key that answers with a Promise (WebCrypto). Their one-shot
  // calls and stream headers go through the promise-returning entry points.
  const waiting = new WeakSet()
  function waitsOn(k) {
    if (waiting.has(k)) return true
    if (k instanceof MultiKeyring) return [k.generator, ...k.children].some((c) => c && waitsOn(c))
    return false
  }

  /** RawRsaKeyring's options, checked in JS (also by the browser entry's stand-in, at once). */
  function rsaOptions(config) {
    const o = options(config, 'RawRsaKeyring options')
    str(o.keyNamespace, 'keyNamespace')
    str(o.keyName, 'keyName')
    const padding = o.padding === undefined ? 'oaep-sha256' : o.padding
    if (!PADDINGS.includes(padding)) throw invalid(`padding must be one of ${PADDINGS.join(', ')}, got ${typeof padding === 'string' ? `'${padding}'` : describe(padding)}`)
    const publicKey = pem(o.publicKey, 'publicKey', 'PUBLIC KEY')
    const privateKey = pem(o.privateKey, 'privateKey', 'PRIVATE KEY')
    if (publicKey === undefined && privateKey === undefined) throw invalid('RawRsaKeyring needs a publicKey, a privateKey, or both')
    return { keyNamespace: o.keyNamespace, keyName: o.keyName, padding, publicKey, privateKey }
  }

  class RawRsaKeyring extends Keyring {
    constructor(config) {
      super()
      const o = rsaOptions(config)
      const { padding, publicKey, privateKey } = o
      if (typeof WasmKeyring.rawRsa !== 'function') {
        throw invalid("RawRsaKeyring is not included in 'sealkit/lite' (built without RSA); import it from 'sealkit'")
      }
      let h, hostKey, hostPublic
      try {
        hostKey = privateKey !== undefined && host && host.rsaPrivateKey ? host.rsaPrivateKey(privateKey, padding) : undefined
        hostPublic = publicKey !== undefined && host && host.rsaPublicKey ? host.rsaPublicKey(publicKey, padding) : undefined
        h = WasmKeyring.rawRsa(o.keyNamespace, o.keyName, padding, publicKey, privateKey, hostKey, hostPublic)
      } catch (e) {
        const err = toSealkitError(e)
        if (err.code === 'ERR_INVALID_ARGUMENT' && /RSA (public|private) key/.test(err.message)) {
          const which = /RSA public key/.test(err.message) ? 'publicKey' : 'privateKey'
          throw new SealkitError(err.code, `invalid argument: ${which}: ${err.message.replace(/^invalid argument: /, '')}`)
        }
        throw err
      }
      handles.set(this, h)
      // WebCrypto answers later: the core awaits it (a PKCS#1 keyring does not use the host).
      if (((hostKey && hostKey.async === true) || (hostPublic && hostPublic.async === true)) && padding !== 'pkcs1') waiting.add(this)
      this.keyNamespace = o.keyNamespace
      this.keyName = o.keyName
      this.padding = padding
    }
  }

  class MultiKeyring extends Keyring {
    constructor(config) {
      super()
      const { generator, children = [] } = options(config, 'MultiKeyring options')
      if (!Array.isArray(children)) throw invalid('children must be an array of keyrings')
      if (generator === undefined && children.length === 0) throw invalid('MultiKeyring needs a generator or at least one child')
      this.generator = generator
      this.children = [...children]
      // A member that lives in the other module (the browser entry's on-demand full module)
      // makes the whole multi-keyring live there.
      if ([generator, ...children].some((k) => k && hooks.deferred(k))) return void hooks.deferMulti(this)
      const b = new WasmMultiBuilder()
      try {
        // A CachingMaterialsManager (a handle holding a CMM) is refused as a member, in Rust.
        if (generator !== undefined && generator !== null) call(() => b.generator(handleOf(generator, 'generator')))
        children.forEach((c, i) => call(() => b.child(handleOf(c, `children[${i}]`))))
        handles.set(this, call(() => b.build()))
      } finally {
        b.free()
      }
    }
  }

  // ---------------------------------------------------------------- constants

  const CommitmentPolicy = Object.freeze({
    FORBID_ENCRYPT_ALLOW_DECRYPT: 'FORBID_ENCRYPT_ALLOW_DECRYPT',
    REQUIRE_ENCRYPT_ALLOW_DECRYPT: 'REQUIRE_ENCRYPT_ALLOW_DECRYPT',
    REQUIRE_ENCRYPT_REQUIRE_DECRYPT: 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT',
  })

  /** The ESDK suite ids under their ESDK names. */
  const AlgorithmSuiteIdentifier = Object.freeze({
    ALG_AES128_GCM_IV12_TAG16: 0x0014,
    ALG_AES192_GCM_IV12_TAG16: 0x0046,
    ALG_AES256_GCM_IV12_TAG16: 0x0078,
    ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256: 0x0114,
    ALG_AES192_GCM_IV12_TAG16_HKDF_SHA256: 0x0146,
    ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256: 0x0178,
    ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256: 0x0214,
    ALG_AES192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: 0x0346,
    ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: 0x0378,
    ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY: 0x0478,
    ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384: 0x0578,
  })

  // ---------------------------------------------------------------- client

  function buildClient(config) {
    const o = typeof config === 'string' ? { commitmentPolicy: config } : options(config, 'buildClient options')
    const policy = o.commitmentPolicy === undefined ? CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT : o.commitmentPolicy
    if (!Object.prototype.hasOwnProperty.call(CommitmentPolicy, policy)) {
      throw invalid(`commitmentPolicy must be one of ${Object.keys(CommitmentPolicy).join(', ')}`)
    }
    const maxEdks = o.maxEncryptedDataKeys === false ? undefined : integer(o.maxEncryptedDataKeys, 'maxEncryptedDataKeys', 1, 65535)
    const client = call(() => new WasmClient(policy, maxEdks || 0))

    function encryptArgs(o) {
      return [
        contextPairs(o.encryptionContext, 'encryptionContext'),
        stringList(o.requiredEncryptionContextKeys, 'requiredEncryptionContextKeys'),
        integer(o.suiteId, 'suiteId', 0, 0xffff),
        integer(o.frameLength, 'frameLength', 0, 0xffffffff),
      ]
    }

    function decryptArgs(o) {
      return [
        contextPairs(o.encryptionContext, 'encryptionContext'),
        stringList(o.requiredEncryptionContextKeys, 'requiredEncryptionContextKeys'),
        signedMode(o),
        integer(o.maxHeaderLength, 'maxHeaderLength', 1, 0xffffffff) || 0,
      ]
    }

    // KMS keyrings (kms.mjs), WebCrypto RSA keys and WebCrypto signatures (sealkit/lite) answer
    // asynchronously: their one-shot calls go through the promise-returning entry points.
    const waits = (keyring) => ASYNC_ONE_SHOT || waitsOn(keyring)

    // Keyrings of an on-demand module (browser entry: the KMS module or the full one): the call
    // runs in that module, through a client with this client's configuration. `aes192`: the
    // suite is an AES-192 one (the full module's).
    const delegateClients = new Map()
    async function delegated(keyring, aes192 = false) {
      const [api, target] = await hooks.delegate(keyring, aes192)
      if (!delegateClients.has(api)) delegateClients.set(api, api.buildClient(config))
      return [delegateClients.get(api), target]
    }

    // A call that runs in the on-demand full module: its keyring lives there, or (small module)
    // its suite is an AES-192 one.
    const viaFull = (keyring, suite) =>
      hooks.deferred(keyring) || (ASYNC_ONE_SHOT && hooks.canDelegate && isAes192(suite))
    const suiteOption = (opts) => (opts !== null && typeof opts === 'object' ? opts.suiteId : undefined)
    // The suite of a message, if its first bytes say (errors are left to the decryption itself).
    const peekSuite = (ciphertext) => {
      try {
        return wasm.messageSuite(bytes(ciphertext, 'ciphertext', false))
      } catch {
        return undefined
      }
    }

    async function encrypt(keyring, plaintext, opts) {
      if (viaFull(keyring, suiteOption(opts))) {
        return settle(async () => {
          const [c, k] = await delegated(keyring, isAes192(suiteOption(opts)))
          return c.encrypt(k, plaintext, opts)
        })
      }
      const h = handleOf(keyring, 'keyring')
      const pt = bytes(plaintext, 'plaintext', true)
      const args = encryptArgs(options(opts, 'options'))
      if (waits(keyring)) return settle(() => encryptAsync(policy, maxEdks || 0, h, pt, ...args))
      return call(() => client.encrypt(h, pt, ...args))
    }

    async function decrypt(keyring, ciphertext, opts) {
      const aes192 = ASYNC_ONE_SHOT && hooks.canDelegate && isAes192(peekSuite(ciphertext))
      if (hooks.deferred(keyring) || aes192) {
        return settle(async () => {
          const [c, k] = await delegated(keyring, aes192)
          return c.decrypt(k, ciphertext, opts)
        })
      }
      const h = handleOf(keyring, 'keyring')
      const ct = bytes(ciphertext, 'ciphertext', false)
      const args = decryptArgs(options(opts, 'options'))
      if (waits(keyring)) return settle(() => decryptAsync(policy, maxEdks || 0, h, ct, ...args))
      return call(() => client.decrypt(h, ct, ...args))
    }

    // Feeds an inner TransformStream from an outer one: `writer` takes the outer input, `pump`
    // moves the inner output to the outer `controller` (its failure also reaches the writer).
    function connect(inner, controller) {
      const writer = inner.writable.getWriter()
      const reader = inner.readable.getReader()
      const pump = (async () => {
        for (let r = await reader.read(); !r.done; r = await reader.read()) controller.enqueue(r.value)
      })()
      pump.catch(() => {}) // surfaced by the write or by flush
      return { writer, pump }
    }

    // A stream that forwards to the stream `open()` resolves to when it starts (one made by
    // the on-demand full module); its header (and context) promises follow the inner ones.
    function relayStream(open) {
      let writer, pump
      const [messageHeader, resolveHeader, rejectHeader] = deferredPromise()
      const [encryptionContext, resolveContext, rejectContext] = deferredPromise()
      const stream = new TransformStream({
        async start(controller) {
          let inner
          try {
            inner = await open()
          } catch (e) {
            const err = toSealkitError(e)
            rejectHeader(err)
            rejectContext(err)
            throw err
          }
          inner.messageHeader.then(resolveHeader, (e) => rejectHeader(toSealkitError(e)))
          if (inner.encryptionContext) inner.encryptionContext.then(resolveContext, (e) => rejectContext(toSealkitError(e)))
          ;({ writer, pump } = connect(inner, controller))
        },
        transform: (chunk) => settle(() => writer.write(chunk)),
        flush: () => settle(async () => (await writer.close(), await pump)),
      })
      stream.messageHeader = messageHeader
      stream.encryptionContext = encryptionContext
      return stream
    }

    function encryptStream(keyring, opts) {
      if (viaFull(keyring, suiteOption(opts))) return relayStream(() => delegated(keyring, isAes192(suiteOption(opts))).then(([c, k]) => c.encryptStream(k, opts)))
      const h = handleOf(keyring, 'keyring')
      const args = encryptArgs(options(opts, 'options'))
      // sealkit/lite: WebCrypto derives the keys (and makes a signing key pair) when the stream
      // starts, seals the frames of each chunk, and signs at the end. A KMS keyring gets its
      // data key when the stream starts.
      const waits = ASYNC_ONE_SHOT || waitsOn(keyring)
      let enc = waits ? undefined : call(() => client.encryptor(h, ...args))
      let resolveHeader, rejectHeader
      const messageHeader = new Promise((res, rej) => ((resolveHeader = res), (rejectHeader = rej)))
      messageHeader.catch(() => {})
      if (enc) resolveHeader(call(() => enc.header()))
      const release = () => {
        try {
          enc && enc.free()
        } catch {}
      }
      const stream = new TransformStream({
        async start() {
          if (enc) return
          try {
            if (driver) {
              enc = driver.encryptor(policy, maxEdks || 0, h, ...args)
              resolveHeader(await enc.start())
            } else {
              enc = await wasm.encryptorAsync(policy, maxEdks || 0, h, ...args)
              resolveHeader(call(() => enc.header()))
            }
          } catch (e) {
            const err = toSealkitError(e)
            rejectHeader(err)
            throw err
          }
        },
        async transform(chunk, controller) {
          try {
            const out = await enc.update(bytes(chunk, 'chunk', true))
            if (out.length) controller.enqueue(out)
          } catch (e) {
            release()
            throw toSealkitError(e)
          }
        },
        async flush(controller) {
          try {
            const out = driver ? await enc.finish() : waits ? await enc.finishAsync() : enc.finish()
            if (out.length) controller.enqueue(out)
          } catch (e) {
            throw toSealkitError(e)
          } finally {
            release()
          }
        },
      })
      stream.messageHeader = messageHeader
      return stream
    }

    function decryptStream(keyring, opts) {
      if (hooks.deferred(keyring)) {
        // the module may depend on the suite (AES-192: the full one), known from the header
        if (hooks.tiered) return suiteAwareDecryptStream(keyring, opts)
        return relayStream(() => delegated(keyring).then(([c, k]) => c.decryptStream(k, opts)))
      }
      const h = handleOf(keyring, 'keyring')
      const args = decryptArgs(options(opts, 'options'))
      if (ASYNC_ONE_SHOT) return suiteAwareDecryptStream(keyring, opts, h, args)
      return incrementalDecryptStream(h, args, waitsOn(keyring))
    }

    // The small module: a message streams through the driver's incremental decryptor (a signed one
    // releases nothing before its signature verifies, unless signedMessages allows it). An
    // AES-192 message (known from its first bytes) goes to the on-demand full module's stream
    // (default browser entry).
    function suiteAwareDecryptStream(keyring, opts, h, args) {
      let inner, writer, pump
      const head = []
      let resolveHeader, rejectHeader, resolveContext, rejectContext
      const messageHeader = new Promise((res, rej) => ((resolveHeader = res), (rejectHeader = rej)))
      const encryptionContext = new Promise((res, rej) => ((resolveContext = res), (rejectContext = rej)))
      messageHeader.catch(() => {})
      encryptionContext.catch(() => {})
      const fail = (e) => (rejectHeader(e), rejectContext(e), e)
      // Routes the message to its processor and replays the bytes held so far.
      const start = async (suite, controller) => {
        inner = viaFull(keyring, suite)
          ? relayStream(() => delegated(keyring, isAes192(suite)).then(([c, k]) => c.decryptStream(k, opts)))
          : incrementalDecryptStream(h, args)
        inner.messageHeader.then(resolveHeader, rejectHeader)
        inner.encryptionContext.then(resolveContext, rejectContext)
        ;({ writer, pump } = connect(inner, controller))
        for (const c of head.splice(0)) await writer.write(c)
      }
      const stream = new TransformStream({
        async transform(chunk, controller) {
          const data = bytes(chunk, 'chunk', false)
          if (inner) return writer.write(data)
          head.push(data.slice())
          let suite
          try {
            suite = call(() => wasm.messageSuite(concatChunks(head)))
          } catch (e) {
            throw fail(e)
          }
          if (suite !== undefined) await start(suite, controller)
        },
        async flush(controller) {
          // Fewer bytes than a message prefix: the incremental decryptor names the problem.
          if (!inner) await start(undefined, controller)
          await writer.close()
          await pump
        },
      })
      stream.messageHeader = messageHeader
      stream.encryptionContext = encryptionContext
      return stream
    }

    // `waits`: a keyring that waits on a key provider (full module) unwraps the data key when
    // the header has been read, so updates go through the promise-returning call until then;
    // the frames after it need no provider and take the synchronous one.
    function incrementalDecryptStream(h, args, waits = false) {
      const dec = driver ? call(() => driver.decryptor(policy, maxEdks || 0, h, ...args)) : call(() => client.decryptor(h, ...args))
      let headerDone = false
      let resolveHeader, rejectHeader, resolveContext, rejectContext
      const messageHeader = new Promise((res, rej) => ((resolveHeader = res), (rejectHeader = rej)))
      const encryptionContext = new Promise((res, rej) => ((resolveContext = res), (rejectContext = rej)))
      messageHeader.catch(() => {})
      encryptionContext.catch(() => {})
      const fail = (e) => {
        const err = toSealkitError(e)
        rejectHeader(err)
        rejectContext(err)
        try {
          dec.free()
        } catch {}
        return err
      }
      const stream = new TransformStream({
        async transform(chunk, controller) {
          try {
            const data = bytes(chunk, 'chunk', false)
            const out = await (waits && !headerDone ? dec.updateAsync(data) : dec.update(data))
            if (!headerDone) {
              const hd = dec.header()
              if (hd !== undefined) {
                headerDone = true
                resolveHeader(hd)
              }
            }
            if (out.length) controller.enqueue(out)
          } catch (e) {
            throw fail(e)
          }
        },
        async flush(controller) {
          let r
          try {
            r = await dec.finish()
            dec.free()
          } catch (e) {
            throw fail(e)
          }
          resolveHeader(r.messageHeader)
          resolveContext(r.encryptionContext)
          if (r.plaintext.length) controller.enqueue(r.plaintext)
        },
      })
      stream.messageHeader = messageHeader
      stream.encryptionContext = encryptionContext
      return stream
    }

    return Object.freeze({ encrypt, decrypt, encryptStream, decryptStream, commitmentPolicy: policy, maxEncryptedDataKeys: maxEdks })
  }

  // Extension point (js/kms.mjs): KMS providers/keyrings and item encryption; it adds the
  // keyrings that wait on a KMS to `waiting`, so their encrypt/decrypt use the promise-returning
  // calls. The browser entry's on-demand modules (js/full-on-demand.mjs) add: `deferred(k)` (k
  // lives in one of them), `delegate(k, aes192)` → Promise<[its api, its k]>, `tiered` (which
  // module may depend on the suite), and the keyring lifecycle calls.
  const hooks = {
    deferred: () => false,
    tiered: false,
    canDelegate: false,
    delegate: () => Promise.reject(invalid('no on-demand module')),
    deferRawAes: () => {},
    deferMulti: () => {},
    rawAesCreated: () => {},
    disposed: () => {},
    isDisposed: () => false,
  }
  const extra = extend
    ? extend(wasm, { SealkitError, invalid, toSealkitError, call, settle, bytes, describe, options, str, stringList, handleOf, handles, Keyring, MultiKeyring, hooks, rsaOptions, waiting })
    : {}

  // The extension may replace RawRsaKeyring (the browser entry's on-demand one).
  return Object.freeze({
    buildClient,
    CommitmentPolicy,
    AlgorithmSuiteIdentifier,
    RawAesKeyring,
    RawRsaKeyring,
    MultiKeyring,
    SealkitError,
    ...extra,
  })
}
