// The raw-AES DB-ESDK vector manifest (tests/vectors/dbesdk) read from disk and run through one
// entry's ItemEncryptor by item-vector-runner.mjs. Shared by the item suite (Node entry) and the
// lite suite (the small module, WebCrypto signatures).
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { RAW_AES, runRawAesManifest } from './item-vector-runner.mjs'

const VECTORS = fileURLToPath(new URL(`../vectors/dbesdk/${RAW_AES}`, import.meta.url))

/** → { passed, failed: [descriptions], total } */
export const runRawAesItemVectors = (sealkit) => runRawAesManifest(sealkit, JSON.parse(readFileSync(VECTORS, 'utf8')))
