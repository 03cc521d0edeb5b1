// Size harness use "items 0x6701" through the default entry ('sealkit'). AWS ships no DB-ESDK
// for JavaScript.
import { ItemEncryptor, RawAesKeyring, marshall, unmarshall } from 'sealkit'
import { itemsUse } from './items-use.mjs'
import { done } from './done.mjs'

await done(() => itemsUse({ ItemEncryptor, RawAesKeyring, marshall, unmarshall }))
