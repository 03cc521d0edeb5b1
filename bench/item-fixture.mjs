// The item every Node item benchmark encrypts (items.mjs, ab-items.mjs, prof-items.mjs): 20
// attributes, about 2 KiB of values; 10 ENCRYPT_AND_SIGN, 8 SIGN_ONLY (the partition key
// included), 2 DO_NOTHING.
export function benchItem(CryptoAction) {
  const record = { id: 'user-000042' }
  const actions = { id: CryptoAction.SIGN_ONLY }
  for (let i = 0; i < 10; i++) {
    record[`secret${i}`] = `s${i}-`.padEnd(150, 'x')
    actions[`secret${i}`] = CryptoAction.ENCRYPT_AND_SIGN
  }
  for (let i = 0; i < 7; i++) {
    record[`meta${i}`] = `m${i}-`.padEnd(40, 'y')
    actions[`meta${i}`] = CryptoAction.SIGN_ONLY
  }
  record.note1 = 'unsigned note one'
  record.note2 = 'unsigned note two'
  actions.note1 = CryptoAction.DO_NOTHING
  actions.note2 = CryptoAction.DO_NOTHING
  return { record, actions, config: { tableName: 'users', partitionKey: 'id', attributeActions: actions, allowedUnsignedAttributes: ['note1', 'note2'] } }
}
