// Bundled page entry: a real app importing the package by name (esbuild, browser conditions).
import * as sealkit from 'sealkit'
import { runChecks } from './shared.mjs'

const fixture = await (await fetch('/fixture.json')).json()
window.__sealkitResults = await runChecks(sealkit, fixture)
