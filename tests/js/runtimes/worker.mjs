// Cloudflare Workers (workerd): the same checks inside a request, with the config as bindings.
import * as sealkit from 'sealkit'
import { runChecks } from './checks.mjs'

export default {
  async fetch(request, env) {
    try {
      return Response.json(await runChecks(sealkit, { kmsUrl: env.KMS_URL, keyArn: env.KEY_ARN, accessKeyId: env.AKID, secretAccessKey: env.SECRET, rsaPublicKey: env.RSA_PUBLIC, rsaPrivateKey: env.RSA_PRIVATE }))
    } catch (e) {
      return Response.json({ failed: `${e && e.name} ${e && e.code}: ${e && e.message}` }, { status: 500 })
    }
  },
}
