// Node, Deno and Bun: imports the installed package by name and prints the checks as JSON.
import * as sealkit from 'sealkit'
import { runChecks } from './checks.mjs'

const env = (k) => (globalThis.Deno ? globalThis.Deno.env.get(k) : globalThis.process.env[k])
const cfg = { kmsUrl: env('KMS_URL'), keyArn: env('KEY_ARN'), accessKeyId: env('AKID'), secretAccessKey: env('SECRET'), rsaPublicKey: env('RSA_PUBLIC'), rsaPrivateKey: env('RSA_PRIVATE') }
// which entry of the package this runtime resolved (Node, Deno and Bun take the `node` condition)
const entry = (import.meta.resolve ? import.meta.resolve('sealkit') : 'unknown').split('/').pop()
console.log(JSON.stringify({ entry, ...(await runChecks(sealkit, cfg)) }))
