// The DB-ESDK item vector manifests (tests/vectors/dbesdk) read from disk and run through one
// entry's ItemEncryptor by item-vector-runner.mjs: the raw-AES manifest, and the official
// hierarchical ones. Shared by the item suites (Node entry) and the lite suite (sealkit/items).
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HIERARCHICAL, RAW_AES, runHierarchicalManifest, runRawAesManifest } from './item-vector-runner.mjs'

const DIR = fileURLToPath(new URL('../vectors/dbesdk', import.meta.url))
// The vectors must be there: a missing file fails the run (a skipped vector is a defect).
if (!existsSync(join(DIR, 'keys.json'))) throw new Error(`${DIR}/keys.json not found`)

/** One manifest of tests/vectors/dbesdk, parsed. */
export const readVectors = (file) => JSON.parse(readFileSync(join(DIR, file), 'utf8'))

/** The raw-AES manifest → { passed, failed: [descriptions], total } */
export const runRawAesItemVectors = (sealkit) => runRawAesManifest(sealkit, readVectors(RAW_AES))

/** One hierarchical manifest (a key of HIERARCHICAL) → { passed, failed, total } */
export const runHierarchicalItemVectors = (sealkit, file) => runHierarchicalManifest(sealkit, file, readVectors(file), readVectors('keys.json'))

export { HIERARCHICAL }
