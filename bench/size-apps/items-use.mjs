// The "items 0x6701" use, shared by the apps that import it from different entries: one record
// encrypted and decrypted field by field (ItemEncryptor, suite 0x6701, raw AES keyring).
export async function itemsUse({ ItemEncryptor, RawAesKeyring, marshall, unmarshall }) {
  const keyring = new RawAesKeyring({ keyNamespace: 'app', keyName: 'k', wrappingKey: crypto.getRandomValues(new Uint8Array(32)) })
  const items = new ItemEncryptor({
    tableName: 'users',
    partitionKey: 'id',
    attributeActions: { id: 'SIGN_ONLY', email: 'ENCRYPT_AND_SIGN', age: 'ENCRYPT_AND_SIGN' },
    keyring,
    algorithmSuiteId: 0x6701,
  })
  const stored = await items.encryptItem(marshall({ id: 'u1', email: 'a@example.com', age: 42 }))
  const back = unmarshall(await items.decryptItem(stored))
  return `${back.id} ${back.email} ${back.age}`
}
