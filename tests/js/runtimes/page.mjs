// Chromium: the same checks in a page, from the installed package's default browser entry.
import * as sealkit from 'sealkit'
import { runChecks } from './checks.mjs'

window.result = runChecks(sealkit, window.cfg).then(
  (r) => ({ ok: true, r }),
  (e) => ({ ok: false, error: `${e && e.name} ${e && e.code}: ${e && e.message}` }),
)
