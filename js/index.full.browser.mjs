// Browser entry `sealkit/full`: the full wasm module, fetched and instantiated with top-level
// await, so every class is constructed (and checks its arguments) in it at once, and signed
// streams keep bounded memory (built-in ECDSA). The default entry (index.browser.mjs) ships
// the small module and fetches this one only when a class that needs it is used.
import { loadFull } from './full.browser.mjs'

const api = await loadFull()
export const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, RawAesKeyring, RawRsaKeyring, MultiKeyring, SealkitError } = api
export const { LocalKms, HttpKmsProvider, AwsKmsKeyring, AwsKmsMrkAwareKeyring, AwsKmsDiscoveryKeyring, AwsKmsMrkDiscoveryKeyring, AwsKmsRsaKeyring, KmsBranchKeyStore, HierarchicalKeyring, CachingMaterialsManager, LocalCryptoMaterialsCache, ItemEncryptor, CryptoAction, marshall, unmarshall } = api
export default api
