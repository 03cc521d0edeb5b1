// Type declarations for sealkit (hand-written; the runtime is js/api.mjs over the wasm core).

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
  | 'ERR_SIGNED_MESSAGE_REFUSED'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_KMS'
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

declare abstract class Keyring {
  /** Zeroizes the key material held in wasm memory. Later use throws ERR_INVALID_ARGUMENT. */
  dispose(): void
  readonly disposed: boolean
}

export declare class RawAesKeyring extends Keyring {
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

export type AnyKeyring = RawAesKeyring | RawRsaKeyring | MultiKeyring

export interface EncryptedDataKeyInfo {
  providerId: string
  providerInfo: Uint8Array
  encryptedDataKey: Uint8Array
}

export interface MessageHeader {
  version: 1 | 2
  suiteId: number
  messageId: Uint8Array
  /** The context stored in the message. */
  encryptionContext: EncryptionContext
  encryptedDataKeys: EncryptedDataKeyInfo[]
  /** 1 = non-framed, 2 = framed. */
  contentType: 1 | 2
  /** 0 for non-framed messages. */
  frameLength: number
  headerIv: Uint8Array
  headerAuthTag: Uint8Array
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
  result: Uint8Array
  messageHeader: MessageHeader
}

export interface DecryptResult {
  plaintext: Uint8Array
  messageHeader: MessageHeader
  /** The full context: stored pairs plus supplied pairs that were not stored. */
  encryptionContext: EncryptionContext
}

export interface EncryptStream extends TransformStream<Uint8Array | string, Uint8Array> {
  messageHeader: Promise<MessageHeader>
}

export interface DecryptStream extends TransformStream<Uint8Array, Uint8Array> {
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
}
export default sealkit
