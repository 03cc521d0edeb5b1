// The example page's script: imports the package files directly (no bundler).
import { buildClient, RawAesKeyring, AlgorithmSuiteIdentifier } from '/pkg/index.browser.mjs'

const $ = (id) => document.getElementById(id)
const COMMITTING = [0x0478, 0x0578]
const keyring = new RawAesKeyring({
  keyNamespace: 'browser-example',
  keyName: 'page-key',
  wrappingKey: crypto.getRandomValues(new Uint8Array(32)),
})

for (const [name, id] of Object.entries(AlgorithmSuiteIdentifier).reverse()) {
  const o = new Option(`0x${id.toString(16).padStart(4, '0')}  ${name.replace('ALG_', '')}`, id)
  $('suite').add(o)
}

const b64 = (bytes) => {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}
const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('')

function parseContext(text) {
  const ec = {}
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    const i = line.indexOf('=')
    if (i < 0) throw new Error(`encryption context line without '=': ${line}`)
    ec[line.slice(0, i).trim()] = line.slice(i + 1).trim()
  }
  return ec
}

async function run() {
  for (const id of ['ct', 'header', 'pt']) $(id).textContent = ''
  $('pt').classList.remove('err')
  try {
    const suiteId = Number($('suite').value)
    const commitmentPolicy = COMMITTING.includes(suiteId) ? 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT' : 'FORBID_ENCRYPT_ALLOW_DECRYPT'
    const { encrypt, decrypt } = buildClient({ commitmentPolicy })
    const encryptionContext = parseContext($('ec').value)
    const { result, messageHeader: h } = await encrypt(keyring, $('text').value, {
      suiteId,
      frameLength: Number($('frame').value),
      encryptionContext,
    })
    $('ctlen').textContent = `(${result.length} bytes, base64)`
    $('ct').textContent = b64(result)
    const shown = {
      version: h.version,
      suiteId: `0x${h.suiteId.toString(16).padStart(4, '0')}`,
      messageId: hex(h.messageId),
      contentType: h.contentType === 2 ? 'framed' : 'non-framed',
      frameLength: h.frameLength,
      encryptionContext: h.encryptionContext,
      encryptedDataKeys: h.encryptedDataKeys.map((e) => ({ providerId: e.providerId, providerInfo: hex(e.providerInfo), encryptedDataKey: `${e.encryptedDataKey.length} bytes` })),
    }
    $('header').textContent = JSON.stringify(shown, null, 2)
    const { plaintext } = await decrypt(keyring, result, { encryptionContext })
    $('pt').textContent = new TextDecoder().decode(plaintext)
  } catch (e) {
    $('pt').classList.add('err')
    $('pt').textContent = `${e.name} ${e.code || ''}: ${e.message}`
  }
}

$('go').addEventListener('click', run)
$('go').disabled = false
run()
