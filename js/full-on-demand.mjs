// The default browser entry's classes that need another wasm module than the small one: the KMS
// keyrings over HttpKmsProvider or a provider object need the small KMS module
// (sealkit_kms_bg.wasm, js/kms.browser.mjs); RSA, the local KMS, the hierarchical keyring over
// a key store, caching and items need the full module (the KMS RSA keyring with a provider is a
// KMS keyring; without one it encrypts offline in the small module). Each
// one is constructed at once and keeps a snapshot of its options; its counterpart is made in the
// module its use needs (its tier: the KMS module unless the object or anything it holds needs
// the full one), fetched the first time any of them is used — always from an async call
// (encrypt, decrypt, a stream's start, a KMS or item call). Until then a raw-AES app downloads
// neither, and a KMS app never the full module.
//
// Consequences, documented in js/README.md: argument errors of these classes surface at that
// first use; a raw AES keyring mixed with them (a MultiKeyring, an ItemEncryptor) is re-created
// in the full module from a copy of its wrapping key that is kept until dispose().
import { createMarshall } from './marshall.mjs'
import { createOfflineRsaKeyring } from './kms-rsa-offline.mjs'

const KMS_METHODS = ['send', 'createKey', 'createAlias', 'rotateKeyOnDemand', 'getPublicKey', 'generateDataKey', 'encrypt', 'decrypt', 'describeKey']

/**
 * `loadFull()` → Promise of the full module's API; `loadKms()` → Promise of the small KMS
 * module's API (without it, the KMS keyrings use the full module). Returns createApi's `extend`
 * function. `everything`: every keyring works through the full module (for a small module that
 * cannot sign, e.g. without WebCrypto in an insecure context).
 */
export function createFullOnDemand(loadFull, { everything = false, loadKms } = {}) {
  return function extend(wasm, base) {
    const { invalid, options, settle, hooks, Keyring, MultiKeyring, rsaOptions } = base
    const loading = {}
    const load = (tier) => (loading[tier] ||= Promise.resolve().then(tier === 'kms' ? loadKms : loadFull))

    // Tiers: 'small' (works in any module: raw AES, multi-keyrings of them, offline KMS RSA,
    // provider objects), 'kms' (HttpKmsProvider, the KMS keyrings) and 'full'.
    const TIERS = ['small', 'kms', 'full']
    const higher = (a, b) => (TIERS.indexOf(a) >= TIERS.indexOf(b) ? a : b)
    /** The tier of any option value: that of the stand-ins and twins it holds. */
    function tierOf(v) {
      const s = v !== null && typeof v === 'object' ? stateOf(v) : undefined
      if (s) return s.tier()
      if (Array.isArray(v)) return v.reduce((t, x) => higher(t, tierOf(x)), 'small')
      if (isPlain(v)) return Object.values(v).reduce((t, x) => higher(t, tierOf(x)), 'small')
      return 'small'
    }
    /** The module a call with `obj` runs in. */
    const moduleFor = (obj) => (loadKms && !everything && tierOf(obj) !== 'full' ? 'kms' : 'full')

    // Stand-ins (objects of the classes below, and multi-keyrings with such a member) and twins
    // (keyrings of the small module when another module needs them too) → their state:
    // { make(api, module) → that module's object, tier() → the lowest module that can hold it,
    //   promises (of its object) by module, made (the full module's object), disposed, secrets:
    //   copies to zero }.
    const standIns = new WeakMap()
    const twins = new WeakMap()
    const newState = (make, secrets = [], tier = () => 'full') => ({ make, tier, promises: {}, made: null, disposed: false, secrets })

    function stateOf(k) {
      let s = standIns.get(k) || twins.get(k)
      if (!s && k instanceof MultiKeyring) {
        // A multi-keyring of raw AES keyrings, needed by the full module as a member of another.
        const members = { generator: k.generator, children: k.children }
        s = newState(async (api, m) => new api.MultiKeyring(await resolve(members, m)), [], () => tierOf(members))
        twins.set(k, s)
      }
      return s
    }

    // Copies the option values that are plain data, so later changes by the caller (zeroing a
    // key buffer) do not reach the deferred constructor; objects of classes (keyrings, providers,
    // key stores) are kept by reference. Byte copies are zeroed once the full module has its own.
    function snapshot(v, secrets) {
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) {
        const copy = ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice() : new Uint8Array(v.slice(0))
        secrets.push(copy)
        return copy
      }
      if (Array.isArray(v)) return v.map((x) => snapshot(x, secrets))
      if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, snapshot(x, secrets)]))
      return v
    }

    // Plain data: an object literal without methods. One with methods (a provider object such as
    // `{ generateDataKey(r) { … } }`) is kept by reference like objects of classes, so that its
    // methods see the caller's object as `this`.
    const isPlain = (v) =>
      v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v)) && !Object.values(v).some((x) => typeof x === 'function')

    /** A snapshot with every stand-in and twin replaced by its object in module `m`. */
    async function resolve(v, m) {
      if (v !== null && typeof v === 'object' && stateOf(v)) return counterpart(v, m)
      if (Array.isArray(v)) return Promise.all(v.map((x) => resolve(x, m)))
      if (isPlain(v)) {
        const out = {}
        for (const [k, x] of Object.entries(v)) out[k] = await resolve(x, m)
        return out
      }
      return v
    }

    /**
     * The object for `obj` in module `m` ('kms' or 'full'; made once there, when first needed).
     * The copies of its secrets are zeroed once it is made, unless another module may need it
     * too (anything below the full tier), whose copies are kept until dispose().
     */
    function counterpart(obj, m) {
      const s = stateOf(obj)
      if (s.disposed) return Promise.reject(invalid(`${obj.constructor.name} has been disposed`))
      s.promises[m] ||= load(m)
        .then((api) => s.make(api, m))
        .then((made) => {
          if (m === 'full') s.made = made
          return made
        })
        .finally(() => {
          if (s.tier() === 'full' || !loadKms || everything) for (const b of s.secrets.splice(0)) b.fill(0)
        })
      return s.promises[m]
    }

    // A class whose constructor checks its options (`check`, in JS; at least that they are an
    // object) and defers `new api[name](options)`; `methods` are async and run on the full
    // module's object. `fields`: public properties the full class sets from its options.
    // `kms`: the class is in the small KMS module too (its objects' tier is 'kms' unless their
    // options hold something of the full tier).
    function deferredClass(name, Base, { methods = [], fields = [], check = (o) => options(o, `${name} options`), kms = false } = {}) {
      const C = class extends Base {
        constructor(config) {
          super()
          check(config)
          const secrets = []
          const snap = snapshot(config, secrets)
          const tier = kms ? () => higher('kms', tierOf(snap)) : () => 'full'
          standIns.set(this, newState(async (api, m) => new api[name](await resolve(snap, m)), secrets, tier))
          for (const f of fields) if (typeof config[f] === 'string' || Array.isArray(config[f])) this[f] = Array.isArray(config[f]) ? [...config[f]] : config[f]
        }
      }
      for (const m of methods) C.prototype[m] = forward(m)
      Object.defineProperty(C, 'name', { value: name })
      return C
    }

    function forward(method) {
      return function (...args) {
        return settle(async () => (await counterpart(this, moduleFor(this)))[method](...args))
      }
    }

    // ---------------------------------------------------------------- keyrings

    const keyring = (name, ...fields) => deferredClass(name, Keyring, { fields })
    const kmsKeyring = (name, ...fields) => deferredClass(name, Keyring, { fields, kms: true })
    const RawRsaKeyring = deferredClass('RawRsaKeyring', Keyring, { fields: ['keyNamespace', 'keyName', 'padding'], check: rsaOptions })
    const AwsKmsKeyring = kmsKeyring('AwsKmsKeyring', 'generatorKeyId', 'keyIds')
    const AwsKmsMrkAwareKeyring = kmsKeyring('AwsKmsMrkAwareKeyring', 'keyId')
    const AwsKmsDiscoveryKeyring = kmsKeyring('AwsKmsDiscoveryKeyring')
    const AwsKmsMrkDiscoveryKeyring = kmsKeyring('AwsKmsMrkDiscoveryKeyring', 'region')
    // Offline encrypt (no provider) runs in the small module, with a twin in another module made
    // only if it is mixed with the classes here; with a provider (to decrypt through KMS) it lives
    // in the KMS module, unless its provider needs the full one.
    const deferRsa = (k, config) => {
      const secrets = []
      const snap = snapshot(config, secrets)
      standIns.set(k, newState(async (api, m) => new api.AwsKmsRsaKeyring(await resolve(snap, m)), secrets, () => higher('kms', tierOf(snap))))
    }
    const AwsKmsRsaKeyring = everything
      ? keyring('AwsKmsRsaKeyring', 'keyId', 'encryptionAlgorithm')
      : createOfflineRsaKeyring(wasm, base, {
          withProvider: deferRsa,
          created: (k, o) => twins.set(k, newState((api) => new api.AwsKmsRsaKeyring(o), [], () => 'small')),
        })
    const HierarchicalKeyring = keyring('HierarchicalKeyring', 'branchKeyId')

    // A raw AES keyring works in the small module; its twin in another module (made if it is
    // mixed with the classes above) comes from a copy of its key, zeroed on dispose().
    hooks.rawAesCreated = (k, keyNamespace, keyName, wrappingKey) => {
      const key = wrappingKey.slice()
      twins.set(k, newState((api) => new api.RawAesKeyring({ keyNamespace, keyName, wrappingKey: key }), [key], () => 'small'))
    }
    // A raw AES keyring with a 24-byte key (AES-192, not in the small module) lives in the full
    // module; the copy of its key is zeroed once the full module has it, or on dispose().
    hooks.canDelegate = true
    hooks.deferRawAes = (k, keyNamespace, keyName, wrappingKey) => {
      const key = wrappingKey.slice()
      standIns.set(k, newState((api) => new api.RawAesKeyring({ keyNamespace, keyName, wrappingKey: key }), [key]))
    }
    // A multi-keyring with a member that lives in another module lives there too (the highest
    // tier of its members).
    hooks.deferMulti = (multi) => {
      const members = { generator: multi.generator, children: multi.children }
      standIns.set(multi, newState(async (api, m) => new api.MultiKeyring(await resolve(members, m)), [], () => tierOf(members)))
    }
    hooks.deferred = everything ? (k) => k !== null && typeof k === 'object' && stateOf(k) !== undefined : (k) => standIns.has(k)
    // The module of a call with keyring `k`; `aes192`: its suite is an AES-192 one, which only
    // the full module has.
    hooks.delegate = (k, aes192 = false) => {
      const m = aes192 ? 'full' : moduleFor(k)
      return Promise.all([load(m), counterpart(k, m)])
    }
    // A deferred keyring's decryptStream learns the suite from the message before it picks a
    // module (js/api.mjs).
    hooks.tiered = Boolean(loadKms) && !everything
    hooks.isDisposed = (k) => stateOf(k).disposed
    hooks.disposed = (k) => {
      const s = standIns.get(k) || twins.get(k)
      if (!s || s.disposed) return
      s.disposed = true
      for (const b of s.secrets.splice(0)) b.fill(0)
      for (const p of Object.values(s.promises)) p.then((made) => made.dispose(), () => {})
    }

    // ---------------------------------------------------------------- KMS providers

    const KmsClientStandIn = class {}
    for (const m of KMS_METHODS) KmsClientStandIn.prototype[m] = forward(m)
    const HttpKmsProvider = deferredClass('HttpKmsProvider', KmsClientStandIn, { fields: ['region'], kms: true })

    /** The embedded local KMS; its state is made in the full module on first use. */
    class LocalKms {
      constructor() {
        standIns.set(this, newState((api) => new api.LocalKms()))
      }
      /** A provider for `region` and `principal` (see the full class). */
      client(config) {
        const c = new KmsClientStandIn()
        standIns.set(c, newState(async () => (await counterpart(this, 'full')).client(config)))
        return c
      }
      /** Audit records; none before the full module made this KMS (no call has reached it). */
      auditLog() {
        const made = standIns.get(this).made
        return made ? made.auditLog() : []
      }
      auditJsonl() {
        const made = standIns.get(this).made
        return made ? made.auditJsonl() : ''
      }
      exportState(rootKey) {
        const made = standIns.get(this).made
        if (!made) throw invalid("LocalKms.exportState: this LocalKms lives in the full module, which loads on the first call through its client(); make one first, or import 'sealkit/full'")
        return made.exportState(rootKey)
      }
      static importState(blob, rootKey) {
        const secrets = []
        const [b, k] = snapshot([blob, rootKey], secrets)
        const kms = Object.create(LocalKms.prototype)
        standIns.set(kms, newState((api) => api.LocalKms.importState(b, k), secrets))
        return kms
      }
    }

    const KmsBranchKeyStore = deferredClass('KmsBranchKeyStore', Object, { methods: ['createBranchKey', 'versionBranchKey'], fields: ['kmsKeyId', 'logicalKeyStoreName'] })
    const ItemEncryptor = deferredClass('ItemEncryptor', Object, { methods: ['encryptItem', 'decryptItem'], fields: ['tableName', 'partitionKey', 'sortKey'] })

    // ---------------------------------------------------------------- caching

    // The manager and its cache live in the full module, made on first use (its keyring's twin
    // there too, for a raw AES keyring); the cache's size is 0 until then.
    const DeferredManager = deferredClass('CachingMaterialsManager', Object)
    class CachingMaterialsManager extends DeferredManager {
      constructor(config) {
        super(config)
        this.cache = config.cache
      }
    }
    class LocalCryptoMaterialsCache {
      #capacity
      constructor(capacity) {
        this.#capacity = capacity
        standIns.set(this, newState((api) => new api.LocalCryptoMaterialsCache(capacity)))
      }
      get capacity() {
        const made = standIns.get(this).made
        return made ? made.capacity : this.#capacity
      }
      get size() {
        const made = standIns.get(this).made
        return made ? made.size : 0
      }
      clear() {
        const made = standIns.get(this).made
        if (made) made.clear()
      }
    }

    const { CryptoAction, marshall, unmarshall } = createMarshall(base)
    return {
      RawRsaKeyring,
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
      ItemEncryptor,
      CryptoAction,
      marshall,
      unmarshall,
    }
  }
}
