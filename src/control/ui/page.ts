import { createHash } from 'node:crypto'
import { dashboard } from './client.js'
import { STYLES } from './styles.js'

export interface DashboardPage {
  html: string
  /** Allows exactly this page's one script and one stylesheet: injected markup could run nothing. */
  csp: string
}

/** The QA dashboard: one self-contained HTML document (no CDN, no build step; QA containers are often
 *  offline). Built once per sandbox; it holds no data, everything comes from the control API. */
export function dashboardPage(): DashboardPage {
  // tsx (npm run dev) compiles with esbuild's keepNames, which wraps functions in a `__name` helper
  // that lives outside the function; give the page a harmless one.
  const script = `"use strict";\nvar __name = (fn) => fn;\n(${dashboard.toString()})();\n`
  const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>partner-sandbox dashboard</title>
<style>${STYLES}</style>
</head><body><noscript>The dashboard needs JavaScript. The control API at /__sandbox answers without it.</noscript>
<script>${script}</script>
</body></html>`
  const csp = [
    "default-src 'none'",
    `script-src ${hash(script)}`,
    `style-src ${hash(STYLES)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
  return { html, csp }
}
