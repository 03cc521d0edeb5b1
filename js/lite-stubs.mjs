// sealkit/lite's stand-ins for what its module leaves out (KMS providers and keyrings, the
// hierarchical keyring, caching, item encryption): the same names, throwing ERR_INVALID_ARGUMENT with a
// pointer to the full entry. Keeps js/kms.mjs out of lite bundles. AwsKmsRsaKeyring is real
// here for offline encrypt (no provider), and so is HierarchicalKeyring over a static branch key
// in the module of sealkit/items (which has `hierarchicalStaticKeyring`).
import { createOfflineRsaKeyring } from './kms-rsa-offline.mjs'
import { createStaticHierarchicalKeyring } from './hierarchical-static.mjs'

// `entry`: the entry whose stand-ins these are, as its errors name it ('sealkit/kms' has the
// KMS keyrings besides, which it puts in place of these).
export function createLiteStubs(wasm, base, entry = 'sealkit/lite') {
  const { invalid } = base
  const what = entry === 'sealkit/kms' ? 'messages with raw AES and AWS KMS keyrings' : 'messages with raw AES keyrings only'
  const absent = (name) =>
    class {
      constructor() {
        throw invalid(`${name} is not included in '${entry}' (${what}); import it from ${name === 'ItemEncryptor' ? "'sealkit/items' (records, small module) or " : ''}'sealkit'`)
      }
    }
  const names = ['LocalKms', 'HttpKmsProvider', 'AwsKmsKeyring', 'AwsKmsMrkAwareKeyring', 'AwsKmsDiscoveryKeyring', 'AwsKmsMrkDiscoveryKeyring', 'KmsBranchKeyStore', 'HierarchicalKeyring', 'CachingMaterialsManager', 'LocalCryptoMaterialsCache', 'ItemEncryptor']
  const stubs = Object.fromEntries(names.map((n) => [n, absent(n)]))
  const noItems = () => {
    throw invalid(`marshall/unmarshall (item encryption) are not included in '${entry}'; import them from 'sealkit/items' or 'sealkit'`)
  }
  stubs.LocalKms.importState = () => new stubs.LocalKms()
  if (typeof wasm.hierarchicalStaticKeyring === 'function') {
    stubs.HierarchicalKeyring = createStaticHierarchicalKeyring(wasm, base, {
      withKeyStore: () => {
        throw invalid("HierarchicalKeyring over a KmsBranchKeyStore (branch keys from KMS) is not included in 'sealkit/items', which takes a static branchKey { version, key }; import it from 'sealkit'")
      },
    })
  }
  stubs.AwsKmsRsaKeyring = createOfflineRsaKeyring(wasm, base, {
    withProvider: () => {
      throw invalid(`AwsKmsRsaKeyring with a provider (decryption through KMS) is not included in '${entry}', which encrypts offline only; import it from 'sealkit'`)
    },
  })
  return {
    ...stubs,
    CryptoAction: Object.freeze({ ENCRYPT_AND_SIGN: 'ENCRYPT_AND_SIGN', SIGN_ONLY: 'SIGN_ONLY', SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT: 'SIGN_AND_INCLUDE_IN_ENCRYPTION_CONTEXT', DO_NOTHING: 'DO_NOTHING' }),
    marshall: noItems,
    unmarshall: noItems,
  }
}
