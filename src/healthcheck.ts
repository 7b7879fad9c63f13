/** Docker's HEALTHCHECK: asks the sandbox on the configured PORT, with node alone (the image has no
 *  curl), and follows PORT so a changed port never turns the container unhealthy. */
const port = process.env.PORT || '4010'
const controller = new AbortController()
setTimeout(() => controller.abort(), 2_500).unref()
fetch(`http://127.0.0.1:${port}/__sandbox/health`, { signal: controller.signal }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
)
