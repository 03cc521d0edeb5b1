// Type declarations for sealkit (hand-written; the runtime is js/api.mjs over the wasm core).
// The same declarations serve 'sealkit', 'sealkit/full' and 'sealkit/lite'; scripts/build-wasm.sh
// derives index.d.cts (require) from this file: `export {}` in place of the default export.

/** The ESDK's key-commitment policies (ESDK spec: client-apis/client.md, commitment policy). */
export type CommitmentPolicyName =
  | 'FORBID_ENCRYPT_ALLOW_DECRYPT'
  | 'REQUIRE_ENCRYPT_ALLOW_DECRYPT'
  | 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'

/** The commitment policy names as constants, as @aws-crypto/client-* export them. */
export declare const CommitmentPolicy: Readonly<{ [K in CommitmentPolicyName]: K }>

/** The ESDK algorithm suite ids by their ESDK names (for `EncryptOptions.suiteId`). */
export declare const AlgorithmSuiteIdentifier: Readonly<{
  /** AES-128-GCM, no KDF, no signature (legacy). */
  ALG_AES128_GCM_IV12_TAG16: 0x0014
  /** AES-192-GCM, no KDF, no signature (legacy). */
  ALG_AES192_GCM_IV12_TAG16: 0x0046
  /** AES-256-GCM, no KDF, no signature (legacy). */
  ALG_AES256_GCM_IV12_TAG16: 0x0078
  /** AES-128-GCM, HKDF-SHA256. */
  ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256: 0x0114
  /** AES-192-GCM, HKDF-SHA256. */
  ALG_AES192_GCM_IV12_TAG16_HKDF_SHA256: 0x0146
  /** AES-256-GCM, HKDF-SHA256 (default under FORBID_ENCRYPT_ALLOW_DECRYPT without signing). */
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256: 0x0178
  /** AES-128-GCM, HKDF-SHA256, ECDSA P-256 signature. */
  ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256: 0x0214
  /** AES-192-GCM, HKDF-SHA384, ECDSA P-384 signature. */
  ALG_AES192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: 0x0346
  /** AES-256-GCM, HKDF-SHA384, ECDSA P-384 signature (default under FORBID_ENCRYPT_ALLOW_DECRYPT). */
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: 0x0378
  /** AES-256-GCM, HKDF-SHA512 with key commitment (message format v2), unsigned. */
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY: 0x0478
  /** AES-256-GCM, HKDF-SHA512 with key commitment, ECDSA P-384 (the default). */
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384: 0x0578
}>

/** Stable error codes (Rust `Error::code()`), plus ERR_INTERNAL, which must never occur. */
export type SealkitErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_BAD_CIPHERTEXT'
  | 'ERR_TRUNCATED'
  | 'ERR_TRAILING_BYTES'
  | 'ERR_BASE64_INPUT'
  | 'ERR_COMMITMENT_POLICY'
  | 'ERR_COMMITMENT_MISMATCH'
  | 'ERR_HEADER_AUTH'
  | 'ERR_BODY_AUTH'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_NO_DECRYPTING_KEYRING'
  | 'ERR_KEYRING'
  | 'ERR_CONTEXT_MISMATCH'
  | 'ERR_RESERVED_CONTEXT_KEY'
  | 'ERR_TOO_MANY_EDKS'
  | 'ERR_HEADER_TOO_LARGE'
  | 'ERR_SIGNED_MESSAGE_REFUSED'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_KMS'
  | 'ERR_ITEM'
  | 'ERR_ITEM_LIMIT'
  | 'ERR_UNSUPPORTED'
  | 'ERR_IO'
  | 'ERR_INTERNAL'
  | (string & {})

/**
 * Every failure of the API is a SealkitError. Messages never contain key material. A KMS failure
 * (`ERR_KMS`) has the AWS error shape as its `cause`: `{ name, message, $metadata: { httpStatusCode } }`.
 */
export declare class SealkitError extends Error {
  /** Always 'SealkitError'. */
  readonly name: 'SealkitError'
  /** The stable code naming the failure (the CLI prints the same codes). */
  readonly code: SealkitErrorCode
  /** Used by sealkit itself; `cause` keeps the underlying error where there is one. */
  constructor(code: string, message: string, options?: { cause?: unknown })
}

/** Non-secret key/value pairs authenticated with the message (its AAD); keys starting with 'aws-crypto-' are reserved. */
export type EncryptionContext = Record<string, string>
/** Bytes sealkit accepts: any typed array or DataView (its viewed range), or an ArrayBuffer. */
export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView
/**
 * The bytes sealkit returns: a Uint8Array over an ArrayBuffer of its own (`Uint8Array<ArrayBuffer>`
 * from TypeScript 5.7 on, so that it can go to `new Blob([…])`, WebCrypto and the like;
 * `Uint8Array` with older TypeScript).
 */
export type OutputBytes = ReturnType<Uint8Array['slice']>

/** What every keyring has. */
declare abstract class Keyring {
  /** Zeroizes the key material held in wasm memory. Later use throws ERR_INVALID_ARGUMENT. */
  dispose(): void
  /** Whether dispose() has been called. */
  readonly disposed: boolean
}

/** Wraps data keys with a local AES-GCM key (ESDK spec: framework/raw-aes-keyring.md); interoperates with every ESDK's raw AES keyring. */
export declare class RawAesKeyring extends Keyring {
  /** `wrappingKey`: 16, 24 or 32 bytes (24 = AES-192: ERR_UNSUPPORTED in 'sealkit/lite'). */
  constructor(options: { keyNamespace: string; keyName: string; wrappingKey: Uint8Array })
  /** The key namespace (EDK provider id). */
  readonly keyNamespace: string
  /** The key name (start of the EDK provider info). */
  readonly keyName: string
}

/** RSA padding of a raw RSA keyring: PKCS#1 v1.5 or OAEP with MGF1 over the named hash. */
export type RsaPadding = 'pkcs1' | 'oaep-sha1' | 'oaep-sha256' | 'oaep-sha384' | 'oaep-sha512'

/** Wraps data keys with a local RSA key pair (ESDK spec: framework/raw-rsa-keyring.md); a public key alone encrypts. */
export declare class RawRsaKeyring extends Keyring {
  /** `padding` defaults to 'oaep-sha256'. PEM: SPKI/PKCS#1 public, PKCS#8/PKCS#1 private. */
  constructor(options: {
    keyNamespace: string
    keyName: string
    publicKey?: string
    privateKey?: string
    padding?: RsaPadding
  })
  /** The key namespace (EDK provider id). */
  readonly keyNamespace: string
  /** The key name (EDK provider info). */
  readonly keyName: string
  /** The padding scheme. */
  readonly padding: RsaPadding
}

/** Combines keyrings: the generator makes the data key, every member wraps it, any member can unwrap it. */
export declare class MultiKeyring extends Keyring {
  /** At least one of `generator` and `children`. */
  constructor(options: { generator?: AnyKeyring; children?: AnyKeyring[] })
}

/** Any keyring the client, the streams and ItemEncryptor take. */
export type AnyKeyring = RawAesKeyring | RawRsaKeyring | MultiKeyring | AnyKmsKeyring

/** One encrypted copy of the data key stored in a message header. */
export interface EncryptedDataKeyInfo {
  /** Which keyring kind made it ('aws-kms', a raw keyring's namespace, …). */
  providerId: string
  /** The keyring's key identification (a KMS key ARN, a raw key name ‖ IV, …). */
  providerInfo: OutputBytes
  /** The wrapped data key. */
  encryptedDataKey: OutputBytes
}

/** The parsed header of a message (ESDK spec: data-format/message-header.md). */
export interface MessageHeader {
  /** Message format version (2 for committing suites). */
  version: 1 | 2
  /** The algorithm suite id. */
  suiteId: number
  /** The random message id (16 bytes in v1, 32 in v2). */
  messageId: OutputBytes
  /** The context stored in the message. */
  encryptionContext: EncryptionContext
  /** The encrypted copies of the data key. */
  encryptedDataKeys: EncryptedDataKeyInfo[]
  /** 1 = non-framed, 2 = framed. */
  contentType: 1 | 2
  /** 0 for non-framed messages. */
  frameLength: number
  /** The header tag's IV (zeros in v2). */
  headerIv: OutputBytes
  /** The AES-GCM tag that authenticates the header. */
  headerAuthTag: OutputBytes
}

/** Options of encrypt and encryptStream. */
export interface EncryptOptions {
  /** Pairs to authenticate with the message (stored in the header unless listed in requiredEncryptionContextKeys). */
  encryptionContext?: EncryptionContext
  /** Keys of encryptionContext authenticated but not stored (Required-Encryption-Context CMM). */
  requiredEncryptionContextKeys?: string[]
  /** Default: 0x0578 (committing + signed), or 0x0378 under FORBID_ENCRYPT_ALLOW_DECRYPT. */
  suiteId?: number
  /** Default 4096; 0 = legacy non-framed body. */
  frameLength?: number
}

/** What decryption does with signed messages: hold plaintext until the signature verifies, release verified frames early, or refuse them. */
export type SignedMessages = 'verify-before-release' | 'release-unverified-frames' | 'refuse'

/** Options of decrypt and decryptStream. */
export interface DecryptOptions {
  /** Pairs that must be present in the message; pairs not stored in it are supplied (and authenticated). */
  encryptionContext?: EncryptionContext
  /** Keys that must be supplied in encryptionContext (Required-Encryption-Context CMM). */
  requiredEncryptionContextKeys?: string[]
  /** Signed suites: default 'verify-before-release'. */
  signedMessages?: SignedMessages
  /** ESDK-style alias for signedMessages: 'refuse'. */
  unsignedOnly?: boolean
  /** Longest header accepted, in bytes (default 1 MiB, 1048576); a longer one is refused with 'ERR_HEADER_TOO_LARGE' as its length fields arrive. */
  maxHeaderLength?: number
}

/** What encrypt resolves to. */
export interface EncryptResult {
  /** The whole message. */
  result: OutputBytes
  /** Its header. */
  messageHeader: MessageHeader
}

/** What decrypt resolves to (only after every check passed). */
export interface DecryptResult {
  /** The authenticated plaintext. */
  plaintext: OutputBytes
  /** The message's header. */
  messageHeader: MessageHeader
  /** The full context: stored pairs plus supplied pairs that were not stored. */
  encryptionContext: EncryptionContext
}

/** A TransformStream from plaintext chunks to message bytes. */
export interface EncryptStream extends TransformStream<Bytes | string, OutputBytes> {
  /** Resolves once the header has been made (the data key obtained). */
  messageHeader: Promise<MessageHeader>
}

/** A TransformStream from message bytes to authenticated plaintext chunks. */
export interface DecryptStream extends TransformStream<Bytes, OutputBytes> {
  /** Resolves once the header has been authenticated; rejects with the stream's error. */
  messageHeader: Promise<MessageHeader>
  /** Resolves with the full context when the message has been completely verified. */
  encryptionContext: Promise<EncryptionContext>
}

/** A client bound to a commitment policy and an EDK limit (what buildClient returns). */
export interface Client {
  /** The commitment policy every call enforces. */
  readonly commitmentPolicy: CommitmentPolicyName
  /** Messages with more EDKs than this are refused before any key is used (undefined: no limit). */
  readonly maxEncryptedDataKeys: number | undefined
  /** Encrypts a whole plaintext into one message. */
  encrypt(keyring: MaterialsSource, plaintext: Bytes | string, options?: EncryptOptions): Promise<EncryptResult>
  /** Decrypts and verifies a whole message; nothing is returned unless every check passes. */
  decrypt(keyring: MaterialsSource, ciphertext: Bytes, options?: DecryptOptions): Promise<DecryptResult>
  /** A stream that encrypts its input into one message. */
  encryptStream(keyring: MaterialsSource, options?: EncryptOptions): EncryptStream
  /** A stream that decrypts one message (signed ones are held until the signature verifies unless signedMessages says otherwise). */
  decryptStream(keyring: MaterialsSource, options?: DecryptOptions): DecryptStream
}

/** A client; the default policy is REQUIRE_ENCRYPT_REQUIRE_DECRYPT (suite 0x0578). */
export declare function buildClient(
  options?: CommitmentPolicyName | { commitmentPolicy?: CommitmentPolicyName; maxEncryptedDataKeys?: number | false },
): Client

/** The whole API as one object (the default export): the named exports again. */
declare const sealkit: {
  /** {@link buildClient} */
  buildClient: typeof buildClient
  /** {@link CommitmentPolicy} */
  CommitmentPolicy: typeof CommitmentPolicy
  /** {@link AlgorithmSuiteIdentifier} */
  AlgorithmSuiteIdentifier: typeof AlgorithmSuiteIdentifier
  /** {@link RawAesKeyring} */
  RawAesKeyring: typeof RawAesKeyring
  /** {@link RawRsaKeyring} */
  RawRsaKeyring: typeof RawRsaKeyring
  /** {@link MultiKeyring} */
  MultiKeyring: typeof MultiKeyring
  /** {@link SealkitError} */
  SealkitError: typeof SealkitError
  /** {@link LocalKms} */
  LocalKms: typeof LocalKms
  /** {@link HttpKmsProvider} */
  HttpKmsProvider: typeof HttpKmsProvider
  /** {@link AwsKmsKeyring} */
  AwsKmsKeyring: typeof AwsKmsKeyring
  /** {@link AwsKmsMrkAwareKeyring} */
  AwsKmsMrkAwareKeyring: typeof AwsKmsMrkAwareKeyring
  /** {@link AwsKmsDiscoveryKeyring} */
  AwsKmsDiscoveryKeyring: typeof AwsKmsDiscoveryKeyring
  /** {@link AwsKmsMrkDiscoveryKeyring} */
  AwsKmsMrkDiscoveryKeyring: typeof AwsKmsMrkDiscoveryKeyring
  /** {@link AwsKmsRsaKeyring} */
  AwsKmsRsaKeyring: typeof AwsKmsRsaKeyring
  /** {@link KmsBranchKeyStore} */
  KmsBranchKeyStore: typeof KmsBranchKeyStore
  /** {@link HierarchicalKeyring} */
  HierarchicalKeyring: typeof HierarchicalKeyring
  /** {@link CachingMaterialsManager} */
  CachingMaterialsManager: typeof CachingMaterialsManager
  /** {@link LocalCryptoMaterialsCache} */
  LocalCryptoMaterialsCache: typeof LocalCryptoMaterialsCache
  /** {@link ItemEncryptor} */
  ItemEncryptor: typeof ItemEncryptor
  /** {@link CryptoAction} */
  CryptoAction: typeof CryptoAction
  /** {@link marshall} */
  marshall: typeof marshall
  /** {@link unmarshall} */
  unmarshall: typeof unmarshall
}
export default sealkit

// ------------------------------------------------------------------ KMS providers (js/kms.mjs)
// Not in 'sealkit/lite' (constructors throw ERR_INVALID_ARGUMENT there). In the default browser
// entry these classes (and RawRsaKeyring) live in the full wasm module, fetched on their first
// async use; errors only the wasm can detect are reported then. KMS keyrings work with
// encrypt/decrypt, the streams and MultiKeyring.
// KMS failures are SealkitError code 'ERR_KMS' with the KMS error name in the message.

/** A KMS request/response in the KMS JSON shape (KeyId, Plaintext, CiphertextBlob, …). */
export type KmsRequest = Record<string, unknown>
/** A KMS response in the KMS JSON shape (blob fields as Uint8Arrays). */
export type KmsResponse = Record<string, any>

/**
 * A KMS client. `send` runs any KMS operation by wire name (CreateKey, CreateAlias, PutKeyPolicy,
 * ListAliases, ReplicateKey, …) with the KMS JSON request. Blob fields (Plaintext, CiphertextBlob,
 * PublicKey, Signature, Message, Mac, EncryptedKeyMaterial, ImportToken, CiphertextForRecipient)
 * may be Uint8Arrays or base64 strings in requests and are Uint8Arrays in responses; everything
 * else is the KMS JSON as-is.
 */
declare class KmsClient {
  /** Runs any KMS operation by its wire name. */
  send(operation: string, request?: KmsRequest): Promise<KmsResponse>
  /** CreateKey (KeySpec, KeyUsage, Policy, Description, MultiRegion, …). */
  createKey(request?: KmsRequest): Promise<KmsResponse>
  /** CreateAlias. */
  createAlias(request: { AliasName: string; TargetKeyId: string }): Promise<KmsResponse>
  /** RotateKeyOnDemand: new key material; older ciphertexts still decrypt. */
  rotateKeyOnDemand(request: { KeyId: string }): Promise<KmsResponse>
  /** GetPublicKey of an asymmetric key (DER SubjectPublicKeyInfo in PublicKey). */
  getPublicKey(request: { KeyId: string }): Promise<KmsResponse>
  /** GenerateDataKey. */
  generateDataKey(request: KmsRequest): Promise<KmsResponse>
  /** Encrypt. */
  encrypt(request: KmsRequest): Promise<KmsResponse>
  /** Decrypt. */
  decrypt(request: KmsRequest): Promise<KmsResponse>
  /** DescribeKey. */
  describeKey(request: { KeyId: string }): Promise<KmsResponse>
}
/** The type of `LocalKms.client()` and the base of HttpKmsProvider (no runtime export). */
export type { KmsClient }

/** One entry of the local KMS's audit log (no plaintext and no key bytes). */
export interface LocalKmsAuditRecord {
  /** Seconds since the Unix epoch. */
  time: number
  /** The calling principal's ARN. */
  principal: string
  /** The KMS operation name. */
  operation: string
  /** The key the call used, when it named one. */
  key_arn: string | null
  /** The region of the call. */
  region: string
  /** The encryption context of the call, if any. */
  encryption_context: Record<string, string> | null
  /** Whether the call succeeded. */
  success: boolean
  /** The KMS error name of a failed call. */
  error_code: string | null
}

/** The embedded local KMS (in wasm memory; time from Date.now()). */
export declare class LocalKms {
  constructor()
  /** Defaults: region 'us-east-1', principal 'arn:aws:iam::111122223333:root'. */
  client(options?: { region?: string; principal?: string }): KmsClient
  /** Every call so far, oldest first. */
  auditLog(): LocalKmsAuditRecord[]
  /** The audit log as JSON lines. */
  auditJsonl(): string
  /** The whole state (keys, aliases, policies, audit) encrypted under a 32-byte root key. */
  exportState(rootKey: Bytes): OutputBytes
  /** A local KMS restored from exportState's blob (the same root key). */
  static importState(blob: Bytes, rootKey: Bytes): LocalKms
}

/** AWS KMS JSON 1.1 over fetch: SigV4 (credentials) or `Authorization: Bearer` (bearerToken). */
export declare class HttpKmsProvider extends KmsClient {
  constructor(options: {
    /** Default: https://kms.<region>.amazonaws.com/ */
    endpoint?: string
    region: string
    /** Static credentials, or an AWS credential provider function (fetched again 5 minutes before `expiration`). */
    credentials?: AwsCredentials | AwsCredentialProvider
    /** Instead of SigV4: `Authorization: Bearer <token>` (sealkit-key-server). */
    bearerToken?: string
    /** Attempts per call including the first (default 3); throttling/5xx/network errors are retried. */
    maxAttempts?: number
  })
  /** The endpoint requests go to. */
  readonly endpoint: string
  /** The region requests are signed for. */
  readonly region: string
}

/**
 * Any object with (some of) these methods, each returning a Promise, e.g. an AWS SDK v3 `KMS`
 * client. Requests/responses use the KMS JSON names; blobs are Uint8Arrays (base64 strings are
 * accepted in responses). A missing method → UnsupportedOperationException; a thrown error maps
 * to a KMS error named by its `__type`, `name` or `code`.
 */
export interface KmsProviderObject {
  /** GenerateDataKey: a new data key, in plaintext and wrapped under KeyId. */
  generateDataKey?(request: { KeyId: string; NumberOfBytes?: number; EncryptionContext?: Record<string, string>; GrantTokens?: string[] }): Promise<{
    /** The ARN of the key that wrapped it. */
    KeyId?: string
    /** The data key. */
    Plaintext: Uint8Array | string
    /** The data key wrapped under the KMS key. */
    CiphertextBlob: Uint8Array | string
  }>
  /** Encrypt: wraps Plaintext under KeyId. */
  encrypt?(request: { KeyId: string; Plaintext: Uint8Array; EncryptionContext?: Record<string, string>; EncryptionAlgorithm?: string }): Promise<{
    /** The ARN of the key used. */
    KeyId?: string
    /** The ciphertext. */
    CiphertextBlob: Uint8Array | string
  }>
  /** Decrypt: unwraps CiphertextBlob. */
  decrypt?(request: { CiphertextBlob: Uint8Array; KeyId?: string; EncryptionContext?: Record<string, string>; EncryptionAlgorithm?: string }): Promise<{
    /** The ARN of the key used (must be the one asked for). */
    KeyId?: string
    /** The plaintext. */
    Plaintext: Uint8Array | string
  }>
  /** GetPublicKey of an asymmetric key. */
  getPublicKey?(request: { KeyId: string }): Promise<{
    /** The key's ARN. */
    KeyId?: string
    /** DER SubjectPublicKeyInfo. */
    PublicKey: Uint8Array | string
  }>
}

/** What the KMS keyrings and KmsBranchKeyStore take as their key provider. */
export type KmsProviderLike = KmsClient | HttpKmsProvider | KmsProviderObject | KmsCommandClient

/** AWS credentials, as the AWS SDKs' credential providers return them. */
export interface AwsCredentials {
  /** The access key id. */
  accessKeyId: string
  /** The secret access key. */
  secretAccessKey: string
  /** The session token of temporary credentials. */
  sessionToken?: string
  /** When temporary credentials expire; they are fetched again 5 minutes before. */
  expiration?: Date
}

/** A function that resolves to credentials, e.g. from @aws-sdk/credential-providers (`fromIni()`, `fromNodeProviderChain()`). */
export type AwsCredentialProvider = () => Promise<AwsCredentials>

/**
 * An @aws-sdk/client-kms `KMSClient` (command style). sealkit signs and sends the calls itself
 * (fetch + SigV4) with the client's region, endpoint and credential provider; the client's own
 * middleware (retries, logger) is not used. The aggregated `KMS` client is a KmsProviderObject.
 */
export interface KmsCommandClient {
  /** The client's `send(command)`. */
  send(command: unknown): Promise<unknown>
  /** The client's resolved configuration (region, endpoint and credentials are read). */
  config: {
    /** The region provider. */
    region: () => Promise<string>
    /** The endpoint provider, when an endpoint was configured. */
    endpoint?: unknown
    /** The credential provider. */
    credentials?: AwsCredentialProvider | AwsCredentials
  }
}

/** Limits a discovery keyring to KMS keys of these accounts in one partition. */
export interface DiscoveryFilter {
  /** The AWS partition, e.g. 'aws'. */
  partition: string
  /** The account ids whose keys may decrypt. */
  accounts: string[]
}

/** KMS multi-keyring of MRK-aware KMS keyrings; without generatorKeyId it only decrypts. */
export declare class AwsKmsKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; generatorKeyId?: string; keyIds?: string[] })
  /** The key that makes the data key (undefined: decrypt only). */
  readonly generatorKeyId: string | undefined
  /** The other keys that wrap it. */
  readonly keyIds: string[]
}
/** One KMS key, multi-Region aware: an EDK made by a replica of a multi-Region key decrypts with this one. */
export declare class AwsKmsMrkAwareKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; keyId: string })
  /** The key ARN. */
  readonly keyId: string
}
/** Decrypt-only: any aws-kms EDK whose key ARN passes the filter. */
export declare class AwsKmsDiscoveryKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; discoveryFilter?: DiscoveryFilter })
}
/** Decrypt-only, multi-Region aware: any aws-kms EDK passing the filter, multi-Region keys called in `region`. */
export declare class AwsKmsMrkDiscoveryKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; region: string; discoveryFilter?: DiscoveryFilter })
}
/**
 * Asymmetric (RSA ENCRYPT_DECRYPT) KMS key: encrypts offline with the PEM public key (no
 * provider needed), decrypts through the provider. Only non-signing suites (e.g. suiteId 0x0478).
 */
export declare class AwsKmsRsaKeyring extends Keyring {
  constructor(options: { keyId: string; publicKey?: string | Uint8Array; encryptionAlgorithm?: 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1'; provider?: KmsProviderLike })
  /** The KMS RSA key's ARN. */
  readonly keyId: string
  /** The RSA-OAEP variant. */
  readonly encryptionAlgorithm: 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1'
}
/** Any of the KMS keyrings. */
export type AnyKmsKeyring = AwsKmsKeyring | AwsKmsMrkAwareKeyring | AwsKmsDiscoveryKeyring | AwsKmsMrkDiscoveryKeyring | AwsKmsRsaKeyring

// ------------------------------------------------------------------ hierarchical keyring

/** Branch keys wrapped under one KMS key (held in wasm memory), for HierarchicalKeyring. */
export declare class KmsBranchKeyStore {
  constructor(options: { provider: KmsProviderLike; kmsKeyId: string; logicalKeyStoreName: string })
  /** The KMS key that wraps the branch keys. */
  readonly kmsKeyId: string
  /** The logical key store name (bound into every branch key). */
  readonly logicalKeyStoreName: string
  /** Creates a branch key (id defaults to a random UUID) with a first version; resolves to its id. */
  createBranchKey(branchKeyId?: string): Promise<string>
  /** Rotates a branch key; resolves to the new active version (older versions still decrypt). */
  versionBranchKey(branchKeyId: string): Promise<string>
}

/** A static branch key version: its UUID and 32 key bytes. */
export interface StaticBranchKey {
  /** The version's UUID. */
  version: string
  /** 32 key bytes. */
  key: Uint8Array
}

/**
 * Hierarchical keyring (EDK provider id aws-kms-hierarchy), with its own branch key cache
 * (10 minutes TTL): over one static branch key version, or over a KmsBranchKeyStore.
 */
export declare class HierarchicalKeyring extends Keyring {
  constructor(options: { branchKeyId: string; branchKey: StaticBranchKey } | { branchKeyId: string; keyStore: KmsBranchKeyStore })
  /** The branch key id. */
  readonly branchKeyId: string
}

// ------------------------------------------------------------------ caching (js/kms.mjs)

/**
 * What encrypt, decrypt, the streams and ItemEncryptor take: a keyring, or a
 * CachingMaterialsManager in front of one.
 */
export type MaterialsSource = AnyKeyring | CachingMaterialsManager

/**
 * An LRU cache of data keys held in wasm memory, shareable between CachingMaterialsManagers
 * (ESDK spec framework/local-cryptographic-materials-cache.md). Evicted keys are zeroized. Not
 * in 'sealkit/lite'; in the default browser entry it lives in the full module.
 */
export declare class LocalCryptoMaterialsCache {
  /** At most `capacity` entries (a whole number from 1 to 2^32 − 1); the least recently used goes first. */
  constructor(capacity: number)
  /** The entry capacity. */
  readonly capacity: number
  /** The entries held now (0 in the default browser entry until the manager's first call). */
  readonly size: number
  /** Evicts every entry; their data keys are zeroized. */
  clear(): void
}

/** Options of {@link CachingMaterialsManager}: exactly one of `keyring` or `materialsManager`. */
export interface CachingMaterialsManagerOptions {
  /** The keyring whose materials are cached. */
  keyring?: AnyKeyring
  /** Another caching manager to put this one in front of. */
  materialsManager?: CachingMaterialsManager
  /** Where the materials are kept. */
  cache: LocalCryptoMaterialsCache
  /** Required: the longest an entry is used, in milliseconds (at least 1), as in @aws-crypto. */
  maxAge: number
  /** Messages per data key, 1 to 2^32 (the default). */
  maxMessagesEncrypted?: number
  /** Plaintext bytes per data key, 0 to 2^63 − 1 (the default; pass a bigint above 2^53 − 1). */
  maxBytesEncrypted?: number | bigint
  /** Managers on one cache share entries only under the same partition (default: one of this manager's own). */
  partition?: string
}

/**
 * A caching materials manager (ESDK spec framework/caching-cmm.md): reuses each data key for
 * many messages within `maxAge` and the message and byte limits, so a key service is called
 * once per data key rather than once per message; concurrent requests that miss on the same
 * entry make one call. Suites without key derivation are not cached, nor are the materials of
 * encryptStream (its length is unknown when they are chosen; decryptStream does use the cache),
 * nor those of signed suites where the signing key is held by the host (node:crypto in Node,
 * WebCrypto in browsers: it cannot be copied for the next message): use an unsigned committing
 * suite (0x0478) to cache there. Give it to encrypt, decrypt and the streams
 * in place of a keyring. ItemEncryptor takes it too but uses its keyring: every record's
 * context is bound into its wrapped key, so records cannot share one (use HierarchicalKeyring
 * to cut calls for records). It is not a MultiKeyring member. Not in 'sealkit/lite'.
 *
 * What it trades away: a data key protects many messages and stays in memory up to `maxAge`
 * (zeroized on eviction), and a disabled KMS key keeps working for cached entries until they
 * expire. Use minutes, not hours, and message limits in the hundreds or thousands.
 */
export declare class CachingMaterialsManager {
  constructor(options: CachingMaterialsManagerOptions)
  /** The cache it stores materials in. */
  readonly cache: LocalCryptoMaterialsCache
}

// ------------------------------------------------------------------ items

/** DynamoDB AttributeValue as @aws-sdk/client-dynamodb uses it (B/BS may also be base64 strings on input). */
export type AttributeValue =
  | {
      /** A string. */
      S: string
    }
  | {
      /** A number, as decimal text. */
      N: string
    }
  | {
      /** Binary. */
      B: Uint8Array
    }
  | {
      /** A boolean. */
      BOOL: boolean
    }
  | {
      /** Null. */
      NULL: true
    }
  | {
      /** A list. */
      L: AttributeValue[]
    }
  | {
      /** A map. */
      M: Record<string, AttributeValue>
    }
  | {
      /** A string set. */
      SS: string[]
    }
  | {
      /** A number set. */
      NS: string[]
    }
  | {
      /** A binary set. */
      BS: Uint8Array[]
    }
/** An item (a record): attribute names to values. */
export type Item = Record<string, AttributeValue>

/** What item encryption does with each attribute (DB-ESDK crypto actions). */
export declare const CryptoAction: Readonly<{
  /** Encrypted, and covered by the item's signature. */
  ENCRYPT_AND_SIGN: 'ENCRYPT_AND_SIGN'
  /** Stored in plaintext, covered by the signature. */
  SIGN_ONLY: 'SIGN_ONLY'
  /** Stored in plaintext, signed, and bound into the encryption context. */
  SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT'
  /** Left alone (must be allowed as unsigned). */
  DO_NOTHING: 'DO_NOTHING'
}>
/** A crypto action's name. */
export type CryptoActionName = keyof typeof CryptoAction

/** Limits an ItemEncryptor applies to items (to encrypt, and stored ones before any key is unwrapped). */
export interface ItemLimits {
  /** Attributes per item, not counting aws_dbe_head and aws_dbe_foot (default 4096). */
  maxAttributes?: number
  /** L/M nesting levels of a value (default and maximum 32, DynamoDB's limit). */
  maxDepth?: number
  /** Bytes of one attribute value: strings, numbers, binaries, set members and map keys (default 409600 = 400 KiB, DynamoDB's item size). */
  maxValueLength?: number
}

/**
 * Encrypts and signs items in the DB-ESDK item format (interoperable with the AWS Database
 * Encryption SDK). Errors: SealkitError 'ERR_ITEM' (naming the attribute), 'ERR_SIGNATURE_INVALID', ….
 * Decryption returns numbers normalized and sets in canonical order, as DynamoDB does.
 */
export declare class ItemEncryptor {
  constructor(options: {
    tableName: string
    partitionKey: string
    sortKey?: string
    attributeActions: Record<string, CryptoActionName>
    /** Action for attributes missing from attributeActions (default: none → ERR_ITEM). */
    defaultAction?: CryptoActionName
    allowedUnsignedAttributes?: string[]
    allowedUnsignedAttributePrefix?: string
    keyring: MaterialsSource
    /** 0x6701 (default, ECDSA P-384 signed) or 0x6700. */
    algorithmSuiteId?: 0x6700 | 0x6701
    /** Limits on the items encrypted and decrypted ('ERR_ITEM_LIMIT' names the attribute). */
    limits?: ItemLimits
  })
  /** → the item to store: encrypted attributes as B, plus aws_dbe_head and aws_dbe_foot. */
  encryptItem(item: Item): Promise<Item>
  /** Verifies the item's commitment, tags and signature, then decrypts → the plaintext item (without aws_dbe_*). */
  decryptItem(item: Item): Promise<Item>
}

/**
 * Plain JS → item: string→S, number/bigint→N, Uint8Array→B, boolean→BOOL, null→NULL, array→L,
 * object/Map→M, Set of strings/numbers/Uint8Arrays→SS/NS/BS (an empty Set is an error);
 * `undefined` properties are skipped.
 */
export declare function marshall(value: Record<string, unknown>): Item
/**
 * Item → plain JS (the inverse of marshall). N becomes a JS number when `String(Number(n)) === n`
 * (exact and canonical), else stays the decimal string (e.g. big integers, '1.50').
 */
export declare function unmarshall(item: Item): Record<string, any>
