// Browser entry for KMS keyrings (`sealkit/kms`): `sealkit/lite` plus HttpKmsProvider (fetch,
// SigV4), KMS provider objects (@aws-sdk/client-kms clients, objects with generateDataKey /
// encrypt / decrypt methods) and the AWS KMS keyrings (strict, MRK-aware, discovery, MRK
// discovery, and RSA: offline encrypt, decrypt through KMS), from a small module of its own
// (js/kms.browser.mjs). Message frames, key derivation, signatures and RSA-OAEP run on WebCrypto
// (`crypto.subtle`, secure contexts only), as in `sealkit/lite`. Not here: the embedded
// LocalKms, KmsBranchKeyStore, caching and items; import those from 'sealkit'. Loading works as
// in index.lite.browser.mjs (top-level await; copy sealkit_kms_bg.wasm next to an esbuild bundle).
import { loadKms } from './kms.browser.mjs'

const api = await loadKms()
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
