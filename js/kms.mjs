// sealkit JS API, part 2: KMS providers and KMS keyrings (src/wasm/{kms,async_client}.rs). Like api.mjs: no crypto here, exactly one export;
// scripts/build-wasm.sh derives kms.cjs from it. The entries call it from createApi's `extend`
// with api.mjs's internals and js/marshall.mjs's helpers; createApi merges what it returns. Its
// one import is the HierarchicalKeyring class it shares with sealkit/items.
import { createStaticHierarchicalKeyring } from './hierarchical-static.mjs'

export function createKmsApi(wasm, base, marshalling) {
  const { CryptoAction, marshall, unmarshall, toBase64, fromBase64, isBytes } = marshalling
  const { SealkitError, invalid, toSealkitError, call, settle, bytes, describe, options, str, stringList, handleOf, handles, Keyring, hooks, waiting } = base
  // The entries of the small modules take from here only what their module has (sealkit/kms:
  // HttpKmsProvider, provider objects and the KMS keyrings); these checks name what is missing.
  const HAS_KMS = typeof wasm.WasmKmsProvider === 'function'
  const HAS_LOCAL_KMS = typeof wasm.WasmLocalKms === 'function'
  const notInLite = (what) => invalid(`${what} is not included in 'sealkit/lite' (messages with raw AES keyrings only); import it from 'sealkit'`)


  // ---------------------------------------------------------------- KMS JSON shapes

  /** Top-level blob fields of KMS requests/responses (base64 on the wire, Uint8Array in JS). */
  const BLOB_FIELDS = ['Plaintext', 'CiphertextBlob', 'PublicKey', 'Signature', 'Message', 'Mac', 'EncryptedKeyMaterial', 'ImportToken', 'CiphertextForRecipient']

  /** JS shape → wire JSON object: Uint8Array blobs → base64 (strings are taken as base64). */
  function toWire(req, name) {
    const o = options(req, name)
    const out = { ...o }
    for (const f of BLOB_FIELDS) if (isBytes(o[f])) out[f] = toBase64(bytes(o[f], `${name}.${f}`, false))
    return out
  }

  /** Wire JSON object → JS shape: base64 blobs → Uint8Array. */
  function fromWire(obj) {
    if (!obj || typeof obj !== 'object') return obj
    for (const f of BLOB_FIELDS) if (typeof obj[f] === 'string') obj[f] = fromBase64(obj[f], f)
    return obj
  }

  // ---------------------------------------------------------------- providers

  const providerHandles = new WeakMap() // provider object → WasmKmsProvider
  const JS_METHODS = {
    GenerateDataKey: 'generateDataKey',
    GenerateDataKeyWithoutPlaintext: 'generateDataKeyWithoutPlaintext',
    Encrypt: 'encrypt',
    Decrypt: 'decrypt',
    ReEncrypt: 'reEncrypt',
    GetPublicKey: 'getPublicKey',
    DescribeKey: 'describeKey',
    Sign: 'sign',
    Verify: 'verify',
    GenerateMac: 'generateMac',
    VerifyMac: 'verifyMac',
  }

  function kmsErrorName(e) {
    if (e && typeof e === 'object') {
      for (const k of ['__type', 'name', 'code']) {
        const v = e[k]
        if (typeof v === 'string' && v && v !== 'Error' && !v.startsWith('ERR_')) return v.includes('#') ? v.split('#').pop() : v
      }
    }
    return 'KMSInternalException'
  }

  /** The adapter src/wasm/kms.rs calls for a user object: call(op, json) → Promise<json>. */
  function adapterFor(obj) {
    return {
      async call(op, json) {
        const m = JS_METHODS[op]
        if (!m || typeof obj[m] !== 'function') {
          throw { name: 'UnsupportedOperationException', message: `the KMS provider object has no ${m || op}() method` }
        }
        let resp
        try {
          resp = await obj[m](fromWire(JSON.parse(json)))
        } catch (e) {
          // an AWS SDK v3 error keeps its HTTP status ($metadata.httpStatusCode) on the way
          throw { name: kmsErrorName(e), message: (e && e.message) || String(e), status: e && e.$metadata && e.$metadata.httpStatusCode }
        }
        return JSON.stringify(toWire(resp || {}, `${m}() result`))
      },
    }
  }

  // ---------------------------------------------------------------- credentials that change

  /** Credentials are fetched again this long before their `expiration`, as the AWS SDKs do. */
  const REFRESH_BEFORE_MS = 5 * 60 * 1000

  const defaultEndpoint = (region) => `https://kms.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`

  /**
   * The adapter of an HTTP provider whose settings are resolved when first needed and whose
   * credentials come from an AWS credential provider function (`() => Promise<{ accessKeyId,
   * secretAccessKey, sessionToken?, expiration? }>`): each call uses a SigV4 client for the current
   * credentials, made anew once they are within REFRESH_BEFORE_MS of `expiration`; concurrent
   * calls share one refresh. `settings`: async () → { endpoint, region, credentials: function }.
   */
  function refreshingAdapter(settings, maxAttempts) {
    // Each set of credentials has its own WasmKmsProvider handle: { handle, expiresAt, inUse,
    // retired }. A refresh retires the one it replaces, which is freed (its wasm memory, with the
    // secret key, released) once no call is using it.
    let current
    let refreshing
    const usable = () => current && (current.expiresAt === undefined || current.expiresAt - Date.now() > REFRESH_BEFORE_MS)
    const release = (e) => {
      if (e.retired && e.inUse === 0 && !e.freed) {
        e.freed = true
        e.handle.free()
      }
    }
    async function refresh() {
      const { endpoint, region, credentials } = await settings()
      const c = options(await credentials(), 'credentials')
      str(c.accessKeyId, 'credentials.accessKeyId')
      str(c.secretAccessKey, 'credentials.secretAccessKey')
      const token = c.sessionToken === undefined || c.sessionToken === null ? undefined : str(c.sessionToken, 'credentials.sessionToken')
      let expiresAt
      if (c.expiration !== undefined && c.expiration !== null) {
        expiresAt = new Date(c.expiration).getTime()
        if (Number.isNaN(expiresAt)) throw invalid('credentials.expiration must be a Date, a time value or a date string')
      }
      const handle = call(() => wasm.WasmKmsProvider.http(endpoint, region, c.accessKeyId, c.secretAccessKey, token, undefined, maxAttempts))
      const old = current
      current = { handle, expiresAt, inUse: 0, retired: false, freed: false }
      if (old) {
        old.retired = true
        release(old)
      }
      return current
    }
    return {
      async call(op, json) {
        let e
        try {
          e = usable() ? current : await (refreshing ||= refresh().finally(() => (refreshing = undefined)))
        } catch (err) {
          throw { name: 'CredentialsProviderError', message: `could not get credentials: ${(err && err.message) || String(err)}` }
        }
        // A later refresh may have retired it while this call waited: the newer one is current.
        if (e.retired) e = current
        e.inUse++
        try {
          return await e.handle.sendJson(op, json)
        } catch (err) {
          const c = err && err.cause
          throw { name: (c && c.name) || kmsErrorName(err), message: (c && c.message) || (err && err.message) || String(err), status: c && c.$metadata && c.$metadata.httpStatusCode }
        } finally {
          e.inUse--
          release(e)
        }
      },
    }
  }

  /** An AWS SDK v3 command-style client (`KMSClient`: `send(command)`, resolved `config`). */
  const isCommandClient = (v) => v && typeof v === 'object' && typeof v.send === 'function' && v.config && typeof v.config === 'object' && typeof v.config.region === 'function'

  /** The endpoint URL of an SDK v3 client's resolved `config.endpoint` (string, URL, EndpointV1 or V2). */
  function endpointUrl(ep) {
    if (typeof ep === 'string') return ep
    if (ep && ep.url) return String(ep.url)
    if (ep && typeof ep.hostname === 'string') return `${ep.protocol || 'https:'}//${ep.hostname}${ep.port ? `:${ep.port}` : ''}${ep.path || '/'}`
    throw invalid(`the KMS client's endpoint is not a URL: ${describe(ep)}`)
  }

  /**
   * A KMSClient from @aws-sdk/client-kms: sealkit signs and sends the calls itself (fetch +
   * SigV4) with the client's region, endpoint and credential provider, so no AWS SDK code is
   * needed to run them (the client's own middleware, e.g. its retries and logger, is not used).
   */
  function commandClientAdapter(client) {
    const cfg = client.config
    return refreshingAdapter(async () => {
      const region = str(await cfg.region(), 'the KMS client\'s region')
      const endpoint = cfg.endpoint ? endpointUrl(typeof cfg.endpoint === 'function' ? await cfg.endpoint() : cfg.endpoint) : defaultEndpoint(region)
      const credentials = typeof cfg.credentials === 'function' ? cfg.credentials : async () => cfg.credentials
      return { endpoint, region, credentials }
    }, 0)
  }

  function providerOf(value, name) {
    const h = providerHandles.get(value)
    if (h) return h
    if (value && typeof value === 'object' && Object.values(JS_METHODS).some((m) => typeof value[m] === 'function')) {
      if (!HAS_KMS) throw notInLite('KMS providers')
      const p = wasm.WasmKmsProvider.fromJs(adapterFor(value))
      providerHandles.set(value, p)
      return p
    }
    if (isCommandClient(value)) {
      if (!HAS_KMS) throw notInLite('KMS providers')
      const p = wasm.WasmKmsProvider.fromJs(commandClientAdapter(value))
      providerHandles.set(value, p)
      return p
    }
    throw invalid(`${name} must be a LocalKms client, an HttpKmsProvider, an @aws-sdk/client-kms KMS or KMSClient, or an object with generateDataKey/encrypt/decrypt/getPublicKey methods, got ${describe(value)}`)
  }

  /** A KMS client: `send(operation, request)` for any KMS operation plus shortcuts. */
  class KmsClient {
    /**
     * Runs any KMS operation (wire name, KMS JSON request). Blob fields (Plaintext,
     * CiphertextBlob, PublicKey, Signature, Message, Mac, …) may be Uint8Arrays or base64
     * strings in the request and are Uint8Arrays in the response.
     */
    async send(operation, request) {
      str(operation, 'operation')
      const body = JSON.stringify(toWire(request, 'request'))
      const h = providerHandles.get(this)
      const out = await settle(() => h.sendJson(operation, body))
      return fromWire(JSON.parse(out))
    }
    createKey(req) {
      return this.send('CreateKey', req)
    }
    createAlias(req) {
      return this.send('CreateAlias', req)
    }
    rotateKeyOnDemand(req) {
      return this.send('RotateKeyOnDemand', req)
    }
    getPublicKey(req) {
      return this.send('GetPublicKey', req)
    }
    generateDataKey(req) {
      return this.send('GenerateDataKey', req)
    }
    encrypt(req) {
      return this.send('Encrypt', req)
    }
    decrypt(req) {
      return this.send('Decrypt', req)
    }
    describeKey(req) {
      return this.send('DescribeKey', req)
    }
  }

  class LocalKmsClient extends KmsClient {}

  const IMPORT = Symbol('import')

  /** The embedded local KMS (keys, aliases, policies, rotation, audit trail) in wasm memory. */
  class LocalKms {
    #h
    constructor(token, handle) {
      if (!HAS_LOCAL_KMS) throw notInLite('LocalKms')
      this.#h = token === IMPORT ? handle : call(() => new wasm.WasmLocalKms())
    }
    /** A provider: calls in `region` by `principal` (IAM principal ARN). */
    client(config) {
      const o = options(config, 'client options')
      const region = o.region === undefined ? 'us-east-1' : str(o.region, 'region')
      const principal = o.principal === undefined ? 'arn:aws:iam::111122223333:root' : str(o.principal, 'principal')
      const c = new LocalKmsClient()
      providerHandles.set(c, call(() => this.#h.client(region, principal)))
      c.region = region
      c.principal = principal
      return c
    }
    /** Every audit record (allowed and denied calls), oldest first. */
    auditLog() {
      return JSON.parse(call(() => this.#h.auditLogJson()))
    }
    /** The audit trail as JSON lines. */
    auditJsonl() {
      return call(() => this.#h.auditJsonl())
    }
    /** The whole state, encrypted under a 32-byte root key. */
    exportState(rootKey) {
      return call(() => this.#h.exportState(bytes(rootKey, 'rootKey', false)))
    }
    /** A LocalKms restored from exportState output. */
    static importState(blob, rootKey) {
      if (!HAS_LOCAL_KMS) throw notInLite('LocalKms')
      const h = call(() => wasm.WasmLocalKms.importState(bytes(blob, 'blob', false), bytes(rootKey, 'rootKey', false)))
      return new LocalKms(IMPORT, h)
    }
  }

  /** AWS KMS (JSON 1.1 protocol) over fetch, SigV4-signed or with a bearer token. */
  class HttpKmsProvider extends KmsClient {
    constructor(config) {
      super()
      if (!HAS_KMS) throw notInLite('HttpKmsProvider')
      const o = options(config, 'HttpKmsProvider options')
      const region = str(o.region, 'region')
      const endpoint = o.endpoint === undefined ? defaultEndpoint(region) : str(o.endpoint, 'endpoint')
      const provider = typeof o.credentials === 'function' ? o.credentials : undefined
      const c = o.credentials === undefined || o.credentials === null || provider ? undefined : options(o.credentials, 'credentials')
      if (c) {
        str(c.accessKeyId, 'credentials.accessKeyId')
        str(c.secretAccessKey, 'credentials.secretAccessKey')
        if (c.sessionToken !== undefined) str(c.sessionToken, 'credentials.sessionToken')
      }
      if (o.bearerToken !== undefined) str(o.bearerToken, 'bearerToken')
      const maxAttempts = o.maxAttempts === undefined ? 0 : o.maxAttempts
      if (!Number.isInteger(maxAttempts) || maxAttempts < 0 || maxAttempts > 100) throw invalid('maxAttempts must be an integer between 1 and 100')
      if (provider && o.bearerToken !== undefined) throw invalid('HttpKmsProvider takes credentials or a bearerToken, not both')
      providerHandles.set(
        this,
        provider
          ? call(() => wasm.WasmKmsProvider.fromJs(refreshingAdapter(async () => ({ endpoint, region, credentials: provider }), maxAttempts)))
          : call(() => wasm.WasmKmsProvider.http(endpoint, region, c && c.accessKeyId, c && c.secretAccessKey, c && c.sessionToken, o.bearerToken, maxAttempts)),
      )
      this.endpoint = endpoint
      this.region = region
    }
  }

  // ---------------------------------------------------------------- KMS keyrings


  function kmsKeyring(self, make) {
    if (!HAS_KMS) throw notInLite(self.constructor.name)
    handles.set(self, call(make))
    waiting.add(self) // its materials wait on a KMS
  }

  function filterArgs(f) {
    if (f === undefined || f === null) return [undefined, []]
    const o = options(f, 'discoveryFilter')
    return [str(o.partition, 'discoveryFilter.partition'), stringList(o.accounts, 'discoveryFilter.accounts')]
  }

  /** KMS keyring(s): the generator makes the data key, every keyId also wraps it; any decrypts. */
  class AwsKmsKeyring extends Keyring {
    constructor(config) {
      super()
      const o = options(config, 'AwsKmsKeyring options')
      const generator = o.generatorKeyId === undefined || o.generatorKeyId === null ? undefined : str(o.generatorKeyId, 'generatorKeyId')
      const keyIds = stringList(o.keyIds, 'keyIds')
      if (generator === undefined && keyIds.length === 0) throw invalid('AwsKmsKeyring needs a generatorKeyId or keyIds')
      const p = providerOf(o.provider, 'provider')
      kmsKeyring(this, () => wasm.kmsKeyring(p, generator, keyIds))
      this.generatorKeyId = generator
      this.keyIds = [...keyIds]
    }
  }

  class AwsKmsMrkAwareKeyring extends Keyring {
    constructor(config) {
      super()
      const o = options(config, 'AwsKmsMrkAwareKeyring options')
      const keyId = str(o.keyId, 'keyId')
      const p = providerOf(o.provider, 'provider')
      kmsKeyring(this, () => wasm.kmsMrkAwareKeyring(p, keyId))
      this.keyId = keyId
    }
  }

  class AwsKmsDiscoveryKeyring extends Keyring {
    constructor(config) {
      super()
      const o = options(config, 'AwsKmsDiscoveryKeyring options')
      const [partition, accounts] = filterArgs(o.discoveryFilter)
      const p = providerOf(o.provider, 'provider')
      kmsKeyring(this, () => wasm.kmsDiscoveryKeyring(p, partition, accounts))
    }
  }

  class AwsKmsMrkDiscoveryKeyring extends Keyring {
    constructor(config) {
      super()
      const o = options(config, 'AwsKmsMrkDiscoveryKeyring options')
      const region = str(o.region, 'region')
      const [partition, accounts] = filterArgs(o.discoveryFilter)
      const p = providerOf(o.provider, 'provider')
      kmsKeyring(this, () => wasm.kmsMrkDiscoveryKeyring(p, region, partition, accounts))
    }
  }

  /** Asymmetric KMS key: encrypts offline with the PEM public key, decrypts through the provider. */
  class AwsKmsRsaKeyring extends Keyring {
    constructor(config) {
      super()
      const o = options(config, 'AwsKmsRsaKeyring options')
      const keyId = str(o.keyId, 'keyId')
      const alg = o.encryptionAlgorithm === undefined ? 'RSAES_OAEP_SHA_256' : o.encryptionAlgorithm
      if (alg !== 'RSAES_OAEP_SHA_256' && alg !== 'RSAES_OAEP_SHA_1') throw invalid(`encryptionAlgorithm must be 'RSAES_OAEP_SHA_256' or 'RSAES_OAEP_SHA_1'`)
      let pem = o.publicKey
      if (pem instanceof Uint8Array) pem = new TextDecoder().decode(pem)
      if (pem !== undefined && pem !== null && (typeof pem !== 'string' || !/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem))) {
        throw invalid('publicKey must be a PEM public key (-----BEGIN PUBLIC KEY-----)')
      }
      pem = pem === null ? undefined : pem
      const hasProvider = o.provider !== undefined && o.provider !== null
      if (pem === undefined && !hasProvider) throw invalid('AwsKmsRsaKeyring needs a publicKey (to encrypt), a provider (to decrypt), or both')
      if (hasProvider) {
        if (typeof wasm.kmsRsaKeyringWithProvider !== 'function') throw notInLite('AwsKmsRsaKeyring with a provider')
        const p = providerOf(o.provider, 'provider')
        kmsKeyring(this, () => wasm.kmsRsaKeyringWithProvider(keyId, alg, pem, p))
      } else {
        kmsKeyring(this, () => wasm.kmsRsaKeyring(keyId, alg, pem))
      }
      this.keyId = keyId
      this.encryptionAlgorithm = alg
    }
  }

  // ---------------------------------------------------------------- hierarchical keyring

  const branchKeyStores = new WeakMap() // KmsBranchKeyStore → WasmKmsBranchKeyStore

  /** Branch keys wrapped under one KMS key (held in wasm memory), for HierarchicalKeyring. */
  class KmsBranchKeyStore {
    constructor(config) {
      const o = options(config, 'KmsBranchKeyStore options')
      const kmsKeyId = str(o.kmsKeyId, 'kmsKeyId')
      const logicalKeyStoreName = str(o.logicalKeyStoreName, 'logicalKeyStoreName')
      if (typeof wasm.WasmKmsBranchKeyStore !== 'function') throw notInLite('KmsBranchKeyStore')
      const p = providerOf(o.provider, 'provider')
      branchKeyStores.set(this, call(() => new wasm.WasmKmsBranchKeyStore(p, kmsKeyId, logicalKeyStoreName)))
      this.kmsKeyId = kmsKeyId
      this.logicalKeyStoreName = logicalKeyStoreName
    }

    /** Creates a branch key (id defaults to a random UUID) with a first version; resolves to its id. */
    async createBranchKey(branchKeyId) {
      const id = branchKeyId === undefined || branchKeyId === null ? undefined : str(branchKeyId, 'branchKeyId')
      return settle(() => branchKeyStores.get(this).createBranchKey(id))
    }

    /** Rotates a branch key: resolves to the new active version (older versions still decrypt). */
    async versionBranchKey(branchKeyId) {
      str(branchKeyId, 'branchKeyId')
      return settle(() => branchKeyStores.get(this).versionBranchKey(branchKeyId))
    }
  }

  /**
   * Hierarchical keyring (provider id aws-kms-hierarchy) with its own branch key cache:
   * `{ branchKeyId, branchKey: { version, key } }` over one static branch key version (UUID,
   * 32 bytes), or `{ branchKeyId, keyStore }` over a KmsBranchKeyStore.
   */
  const HierarchicalKeyring = createStaticHierarchicalKeyring(wasm, base, {
    withKeyStore: (self, { keyStore, branchKeyId }) => {
      const s = branchKeyStores.get(keyStore)
      if (!s) throw invalid(`keyStore must be a KmsBranchKeyStore, got ${describe(keyStore)}`)
      kmsKeyring(self, () => s.keyring(branchKeyId))
    },
  })

  // ---------------------------------------------------------------- caching

  const cacheHandles = new WeakMap() // LocalCryptoMaterialsCache → WasmMaterialsCache
  const cachingManagers = new WeakSet()
  const HAS_CACHING = typeof wasm.WasmMaterialsCache === 'function'

  /** An LRU cache of data keys in wasm memory, shareable between CachingMaterialsManagers. */
  class LocalCryptoMaterialsCache {
    constructor(capacity) {
      if (!HAS_CACHING) throw notInLite('LocalCryptoMaterialsCache')
      cacheHandles.set(this, call(() => new wasm.WasmMaterialsCache(capacity)))
    }
    /** The entry capacity. */
    get capacity() {
      return cacheHandles.get(this).capacity
    }
    /** The entries held now. */
    get size() {
      return cacheHandles.get(this).size
    }
    /** Evicts every entry; their data keys are zeroized. */
    clear() {
      cacheHandles.get(this).clear()
    }
  }

  /**
   * Reuses the materials of a keyring (or of another CachingMaterialsManager) for many messages
   * (ESDK spec framework/caching-cmm.md); the limits are checked in Rust. Taken wherever a
   * keyring is; messages go through the cache, while ItemEncryptor uses its keyring.
   */
  class CachingMaterialsManager {
    constructor(config) {
      if (!HAS_CACHING) throw notInLite('CachingMaterialsManager')
      const o = options(config, 'CachingMaterialsManager options')
      const given = (v) => v !== undefined && v !== null
      if (given(o.keyring) === given(o.materialsManager)) throw invalid('CachingMaterialsManager needs exactly one of keyring or materialsManager')
      if (given(o.keyring) && cachingManagers.has(o.keyring)) throw invalid('keyring must be a keyring; pass a CachingMaterialsManager as materialsManager')
      if (given(o.materialsManager) && !cachingManagers.has(o.materialsManager)) throw invalid(`materialsManager must be a CachingMaterialsManager, got ${describe(o.materialsManager)}`)
      const source = given(o.keyring) ? o.keyring : o.materialsManager
      const h = handleOf(source, given(o.keyring) ? 'keyring' : 'materialsManager')
      const c = cacheHandles.get(o.cache)
      if (!c) throw invalid(`cache must be a LocalCryptoMaterialsCache, got ${describe(o.cache)}`)
      const partition = given(o.partition) ? str(o.partition, 'partition') : undefined
      if (o.maxAge === undefined) throw invalid('maxAge (milliseconds) is required')
      handles.set(this, call(() => wasm.cachingMaterialsManager(h, c, o.maxAge, o.maxMessagesEncrypted, o.maxBytesEncrypted, partition)))
      cachingManagers.add(this)
      waiting.add(this) // may wait: on its keyring, or on another request's call for the same entry
      this.cache = o.cache
    }
  }

  void SealkitError
  return {
    LocalKms,
    HttpKmsProvider,
    AwsKmsKeyring,
    AwsKmsMrkAwareKeyring,
    AwsKmsDiscoveryKeyring,
    AwsKmsMrkDiscoveryKeyring,
    AwsKmsRsaKeyring,
    KmsBranchKeyStore,
    HierarchicalKeyring,
    CachingMaterialsManager,
    LocalCryptoMaterialsCache,
    CryptoAction,
    marshall,
    unmarshall,
  }
}
