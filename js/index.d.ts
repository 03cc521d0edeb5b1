// Type declarations for sealkit (hand-written; the runtime is js/api.mjs over the wasm core).
// The same declarations serve 'sealkit', 'sealkit/full' and 'sealkit/lite'; scripts/build-wasm.sh
// derives index.d.cts (require) from this file: `export {}` in place of the default export.

export type CommitmentPolicyName =
  | 'FORBID_ENCRYPT_ALLOW_DECRYPT'
  | 'REQUIRE_ENCRYPT_ALLOW_DECRYPT'
  | 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'

export declare const CommitmentPolicy: Readonly<{ [K in CommitmentPolicyName]: K }>

export declare const AlgorithmSuiteIdentifier: Readonly<{
  ALG_AES128_GCM_IV12_TAG16: 0x0014
  ALG_AES192_GCM_IV12_TAG16: 0x0046
  ALG_AES256_GCM_IV12_TAG16: 0x0078
  ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256: 0x0114
  ALG_AES192_GCM_IV12_TAG16_HKDF_SHA256: 0x0146
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA256: 0x0178
  ALG_AES128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256: 0x0214
  ALG_AES192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: 0x0346
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384: 0x0378
  ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY: 0x0478
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
  | 'ERR_UNSUPPORTED'
  | 'ERR_IO'
  | 'ERR_INTERNAL'
  | (string & {})

/** Every failure of the API is a SealkitError. Messages never contain key material. */
export declare class SealkitError extends Error {
  readonly name: 'SealkitError'
  readonly code: SealkitErrorCode
  constructor(code: string, message: string, options?: { cause?: unknown })
}

export type EncryptionContext = Record<string, string>
export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView
/**
 * The bytes sealkit returns: a Uint8Array over an ArrayBuffer of its own (`Uint8Array<ArrayBuffer>`
 * from TypeScript 5.7 on, so that it can go to `new Blob([…])`, WebCrypto and the like;
 * `Uint8Array` with older TypeScript).
 */
export type OutputBytes = ReturnType<Uint8Array['slice']>

declare abstract class Keyring {
  /** Zeroizes the key material held in wasm memory. Later use throws ERR_INVALID_ARGUMENT. */
  dispose(): void
  readonly disposed: boolean
}

export declare class RawAesKeyring extends Keyring {
  /** `wrappingKey`: 16, 24 or 32 bytes (24 = AES-192: ERR_UNSUPPORTED in 'sealkit/lite'). */
  constructor(options: { keyNamespace: string; keyName: string; wrappingKey: Uint8Array })
  readonly keyNamespace: string
  readonly keyName: string
}

export type RsaPadding = 'pkcs1' | 'oaep-sha1' | 'oaep-sha256' | 'oaep-sha384' | 'oaep-sha512'

export declare class RawRsaKeyring extends Keyring {
  /** `padding` defaults to 'oaep-sha256'. PEM: SPKI/PKCS#1 public, PKCS#8/PKCS#1 private. */
  constructor(options: {
    keyNamespace: string
    keyName: string
    publicKey?: string
    privateKey?: string
    padding?: RsaPadding
  })
  readonly keyNamespace: string
  readonly keyName: string
  readonly padding: RsaPadding
}

export declare class MultiKeyring extends Keyring {
  constructor(options: { generator?: AnyKeyring; children?: AnyKeyring[] })
}

export type AnyKeyring = RawAesKeyring | RawRsaKeyring | MultiKeyring | AnyKmsKeyring

export interface EncryptedDataKeyInfo {
  providerId: string
  providerInfo: OutputBytes
  encryptedDataKey: OutputBytes
}

export interface MessageHeader {
  version: 1 | 2
  suiteId: number
  messageId: OutputBytes
  /** The context stored in the message. */
  encryptionContext: EncryptionContext
  encryptedDataKeys: EncryptedDataKeyInfo[]
  /** 1 = non-framed, 2 = framed. */
  contentType: 1 | 2
  /** 0 for non-framed messages. */
  frameLength: number
  headerIv: OutputBytes
  headerAuthTag: OutputBytes
}

export interface EncryptOptions {
  encryptionContext?: EncryptionContext
  /** Keys of encryptionContext authenticated but not stored (Required-Encryption-Context CMM). */
  requiredEncryptionContextKeys?: string[]
  /** Default: 0x0578 (committing + signed), or 0x0378 under FORBID_ENCRYPT_ALLOW_DECRYPT. */
  suiteId?: number
  /** Default 4096; 0 = legacy non-framed body. */
  frameLength?: number
}

export type SignedMessages = 'verify-before-release' | 'release-unverified-frames' | 'refuse'

export interface DecryptOptions {
  /** Pairs that must be present in the message; pairs not stored in it are supplied (and authenticated). */
  encryptionContext?: EncryptionContext
  /** Keys that must be supplied in encryptionContext (Required-Encryption-Context CMM). */
  requiredEncryptionContextKeys?: string[]
  /** Signed suites: default 'verify-before-release'. */
  signedMessages?: SignedMessages
  /** ESDK-style alias for signedMessages: 'refuse'. */
  unsignedOnly?: boolean
}

export interface EncryptResult {
  result: OutputBytes
  messageHeader: MessageHeader
}

export interface DecryptResult {
  plaintext: OutputBytes
  messageHeader: MessageHeader
  /** The full context: stored pairs plus supplied pairs that were not stored. */
  encryptionContext: EncryptionContext
}

export interface EncryptStream extends TransformStream<Bytes | string, OutputBytes> {
  messageHeader: Promise<MessageHeader>
}

export interface DecryptStream extends TransformStream<Bytes, OutputBytes> {
  /** Resolves once the header has been authenticated; rejects with the stream's error. */
  messageHeader: Promise<MessageHeader>
  /** Resolves with the full context when the message has been completely verified. */
  encryptionContext: Promise<EncryptionContext>
}

export interface Client {
  readonly commitmentPolicy: CommitmentPolicyName
  readonly maxEncryptedDataKeys: number | undefined
  encrypt(keyring: AnyKeyring, plaintext: Bytes | string, options?: EncryptOptions): Promise<EncryptResult>
  decrypt(keyring: AnyKeyring, ciphertext: Bytes, options?: DecryptOptions): Promise<DecryptResult>
  encryptStream(keyring: AnyKeyring, options?: EncryptOptions): EncryptStream
  decryptStream(keyring: AnyKeyring, options?: DecryptOptions): DecryptStream
}

export declare function buildClient(
  options?: CommitmentPolicyName | { commitmentPolicy?: CommitmentPolicyName; maxEncryptedDataKeys?: number | false },
): Client

declare const sealkit: {
  buildClient: typeof buildClient
  CommitmentPolicy: typeof CommitmentPolicy
  AlgorithmSuiteIdentifier: typeof AlgorithmSuiteIdentifier
  RawAesKeyring: typeof RawAesKeyring
  RawRsaKeyring: typeof RawRsaKeyring
  MultiKeyring: typeof MultiKeyring
  SealkitError: typeof SealkitError
  LocalKms: typeof LocalKms
  HttpKmsProvider: typeof HttpKmsProvider
  AwsKmsKeyring: typeof AwsKmsKeyring
  AwsKmsMrkAwareKeyring: typeof AwsKmsMrkAwareKeyring
  AwsKmsDiscoveryKeyring: typeof AwsKmsDiscoveryKeyring
  AwsKmsMrkDiscoveryKeyring: typeof AwsKmsMrkDiscoveryKeyring
  AwsKmsRsaKeyring: typeof AwsKmsRsaKeyring
  KmsBranchKeyStore: typeof KmsBranchKeyStore
  HierarchicalKeyring: typeof HierarchicalKeyring
  ItemEncryptor: typeof ItemEncryptor
  CryptoAction: typeof CryptoAction
  marshall: typeof marshall
  unmarshall: typeof unmarshall
}
export default sealkit

// ------------------------------------------------------------------ KMS providers (js/kms.mjs)
// Not in 'sealkit/lite' (constructors throw ERR_INVALID_ARGUMENT there). In the default browser
// entry these classes (and RawRsaKeyring) live in the full wasm module, fetched on their first
// async use; errors only the wasm can detect are reported then. KMS keyrings work with
// encrypt/decrypt and MultiKeyring; encryptStream/decryptStream reject them (ERR_INVALID_ARGUMENT).
// KMS failures are SealkitError code 'ERR_KMS' with the KMS error name in the message.

/** A KMS request/response in the KMS JSON shape (KeyId, Plaintext, CiphertextBlob, …). */
export type KmsRequest = Record<string, unknown>
export type KmsResponse = Record<string, any>

/**
 * A KMS client. `send` runs any KMS operation by wire name (CreateKey, CreateAlias, PutKeyPolicy,
 * ListAliases, ReplicateKey, …) with the KMS JSON request. Blob fields (Plaintext, CiphertextBlob,
 * PublicKey, Signature, Message, Mac, EncryptedKeyMaterial, ImportToken, CiphertextForRecipient)
 * may be Uint8Arrays or base64 strings in requests and are Uint8Arrays in responses; everything
 * else is the KMS JSON as-is.
 */
declare class KmsClient {
  send(operation: string, request?: KmsRequest): Promise<KmsResponse>
  createKey(request?: KmsRequest): Promise<KmsResponse>
  createAlias(request: { AliasName: string; TargetKeyId: string }): Promise<KmsResponse>
  rotateKeyOnDemand(request: { KeyId: string }): Promise<KmsResponse>
  getPublicKey(request: { KeyId: string }): Promise<KmsResponse>
  generateDataKey(request: KmsRequest): Promise<KmsResponse>
  encrypt(request: KmsRequest): Promise<KmsResponse>
  decrypt(request: KmsRequest): Promise<KmsResponse>
  describeKey(request: { KeyId: string }): Promise<KmsResponse>
}
/** The type of `LocalKms.client()` and the base of HttpKmsProvider (no runtime export). */
export type { KmsClient }

export interface LocalKmsAuditRecord {
  time: number
  principal: string
  operation: string
  key_arn: string | null
  region: string
  encryption_context: Record<string, string> | null
  success: boolean
  error_code: string | null
}

/** The embedded local KMS (in wasm memory; time from Date.now()). */
export declare class LocalKms {
  constructor()
  /** Defaults: region 'us-east-1', principal 'arn:aws:iam::111122223333:root'. */
  client(options?: { region?: string; principal?: string }): KmsClient
  auditLog(): LocalKmsAuditRecord[]
  auditJsonl(): string
  /** The whole state (keys, aliases, policies, audit) encrypted under a 32-byte root key. */
  exportState(rootKey: Bytes): OutputBytes
  static importState(blob: Bytes, rootKey: Bytes): LocalKms
}

/** AWS KMS JSON 1.1 over fetch: SigV4 (credentials) or `Authorization: Bearer` (bearerToken). */
export declare class HttpKmsProvider extends KmsClient {
  constructor(options: {
    /** Default: https://kms.<region>.amazonaws.com/ */
    endpoint?: string
    region: string
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
    bearerToken?: string
    /** Attempts per call including the first (default 3); throttling/5xx/network errors are retried. */
    maxAttempts?: number
  })
  readonly endpoint: string
  readonly region: string
}

/**
 * Any object with (some of) these methods, each returning a Promise, e.g. an AWS SDK v3 `KMS`
 * client. Requests/responses use the KMS JSON names; blobs are Uint8Arrays (base64 strings are
 * accepted in responses). A missing method → UnsupportedOperationException; a thrown error maps
 * to a KMS error named by its `__type`, `name` or `code`.
 */
export interface KmsProviderObject {
  generateDataKey?(request: { KeyId: string; NumberOfBytes?: number; EncryptionContext?: Record<string, string>; GrantTokens?: string[] }): Promise<{ KeyId?: string; Plaintext: Uint8Array | string; CiphertextBlob: Uint8Array | string }>
  encrypt?(request: { KeyId: string; Plaintext: Uint8Array; EncryptionContext?: Record<string, string>; EncryptionAlgorithm?: string }): Promise<{ KeyId?: string; CiphertextBlob: Uint8Array | string }>
  decrypt?(request: { CiphertextBlob: Uint8Array; KeyId?: string; EncryptionContext?: Record<string, string>; EncryptionAlgorithm?: string }): Promise<{ KeyId?: string; Plaintext: Uint8Array | string }>
  getPublicKey?(request: { KeyId: string }): Promise<{ KeyId?: string; PublicKey: Uint8Array | string }>
}

export type KmsProviderLike = KmsClient | HttpKmsProvider | KmsProviderObject

export interface DiscoveryFilter {
  partition: string
  accounts: string[]
}

/** KMS multi-keyring of MRK-aware KMS keyrings; without generatorKeyId it only decrypts. */
export declare class AwsKmsKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; generatorKeyId?: string; keyIds?: string[] })
  readonly generatorKeyId: string | undefined
  readonly keyIds: string[]
}
export declare class AwsKmsMrkAwareKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; keyId: string })
  readonly keyId: string
}
/** Decrypt-only: any aws-kms EDK whose key ARN passes the filter. */
export declare class AwsKmsDiscoveryKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; discoveryFilter?: DiscoveryFilter })
}
export declare class AwsKmsMrkDiscoveryKeyring extends Keyring {
  constructor(options: { provider: KmsProviderLike; region: string; discoveryFilter?: DiscoveryFilter })
}
/**
 * Asymmetric (RSA ENCRYPT_DECRYPT) KMS key: encrypts offline with the PEM public key (no
 * provider needed), decrypts through the provider. Only non-signing suites (e.g. suiteId 0x0478).
 */
export declare class AwsKmsRsaKeyring extends Keyring {
  constructor(options: { keyId: string; publicKey?: string | Uint8Array; encryptionAlgorithm?: 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1'; provider?: KmsProviderLike })
  readonly keyId: string
  readonly encryptionAlgorithm: 'RSAES_OAEP_SHA_256' | 'RSAES_OAEP_SHA_1'
}
export type AnyKmsKeyring = AwsKmsKeyring | AwsKmsMrkAwareKeyring | AwsKmsDiscoveryKeyring | AwsKmsMrkDiscoveryKeyring | AwsKmsRsaKeyring

// ------------------------------------------------------------------ hierarchical keyring

/** Branch keys wrapped under one KMS key (held in wasm memory), for HierarchicalKeyring. */
export declare class KmsBranchKeyStore {
  constructor(options: { provider: KmsProviderLike; kmsKeyId: string; logicalKeyStoreName: string })
  readonly kmsKeyId: string
  readonly logicalKeyStoreName: string
  /** Creates a branch key (id defaults to a random UUID) with a first version; resolves to its id. */
  createBranchKey(branchKeyId?: string): Promise<string>
  /** Rotates a branch key; resolves to the new active version (older versions still decrypt). */
  versionBranchKey(branchKeyId: string): Promise<string>
}

/** A static branch key version: its UUID and 32 key bytes. */
export interface StaticBranchKey {
  version: string
  key: Uint8Array
}

/**
 * Hierarchical keyring (EDK provider id aws-kms-hierarchy), with its own branch key cache
 * (10 minutes TTL): over one static branch key version, or over a KmsBranchKeyStore.
 */
export declare class HierarchicalKeyring extends Keyring {
  constructor(options: { branchKeyId: string; branchKey: StaticBranchKey } | { branchKeyId: string; keyStore: KmsBranchKeyStore })
  readonly branchKeyId: string
}

// ------------------------------------------------------------------ items

/** DynamoDB AttributeValue as @aws-sdk/client-dynamodb uses it (B/BS may also be base64 strings on input). */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: Record<string, AttributeValue> }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] }
export type Item = Record<string, AttributeValue>

export declare const CryptoAction: Readonly<{
  ENCRYPT_AND_SIGN: 'ENCRYPT_AND_SIGN'
  SIGN_ONLY: 'SIGN_ONLY'
  SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT'
  DO_NOTHING: 'DO_NOTHING'
}>
export type CryptoActionName = keyof typeof CryptoAction

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
    keyring: AnyKeyring
    /** 0x6701 (default, ECDSA P-384 signed) or 0x6700. */
    algorithmSuiteId?: 0x6700 | 0x6701
  })
  encryptItem(item: Item): Promise<Item>
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
