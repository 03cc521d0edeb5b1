// Runs a use with the harness's config (window.sizeConfig) and reports to it (window.sizeDone).
export async function done(use) {
  try {
    window.sizeDone = { ok: true, value: await use(window.sizeConfig) }
  } catch (e) {
    window.sizeDone = { ok: false, error: `${e && e.name} ${e && e.code} ${e && e.message}` }
  }
}
