/** The partner's web pages: the Login Dialog (seed 001, "Invoking the Login Dialog"), the fake PayFast
 *  payment page a charge's `redirect` points at, and error pages. Plain HTML forms with labels and no
 *  script, so they work without JavaScript, with a keyboard and with a screen reader. Every value shown
 *  passes through `escape`: app names, usernames, URLs and messages all come from outside. */

export function escape(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1b1f23; }
  main { max-width: 26rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.35rem; margin-top: 0; }
  label { display: block; font-weight: 600; margin-top: .75rem; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #6a737d; border-radius: 4px; }
  input:focus, button:focus { outline: 3px solid #0366d6; outline-offset: 1px; }
  .actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
  button { font: inherit; padding: .5rem 1.25rem; border-radius: 4px; border: 1px solid #1b1f23; cursor: pointer; }
  button.primary { background: #0b5394; color: #fff; border-color: #0b5394; }
  [role=alert] { background: #ffeef0; border: 1px solid #cb2431; padding: .5rem .75rem; border-radius: 4px; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: .25rem 1rem; }
  dt { font-weight: 600; }
  .sandbox { font-size: .85rem; color: #586069; }
`

function html(status: number, title: string, body: string): Response {
  const text = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`
  return new Response(text, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // A consent or payment page must not be framed by another site (clickjacking). No form-action:
      // Chromium applies it to the redirect after the form, which goes to the app's own site.
      'x-frame-options': 'DENY',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    },
  })
}

export function errorPage(status: number, title: string, message: string): Response {
  return html(
    status,
    `${title} | envisionme.co.za`,
    `<h1>${escape(title)}</h1>
<p role="alert">${escape(message)}</p>
<p class="sandbox">envisionme.co.za partner sandbox</p>`,
  )
}

export interface LoginDialogView {
  action: string
  dialogId: string
  appName: string
  redirectUri: string
  /** Set when someone is logged in already: only Allow / Cancel are asked. */
  loggedInAs?: string
  error?: string
  username?: string
}

export function loginDialog(v: LoginDialogView, status = 200): Response {
  const destination = new URL(v.redirectUri).host
  const invalid = v.error ? ' aria-invalid="true" aria-describedby="login-error"' : ''
  const fields = v.loggedInAs
    ? `<p>You are logged in as <strong>${escape(v.loggedInAs)}</strong>.</p>`
    : `<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${escape(v.username ?? '')}"${invalid}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>`
  return html(
    status,
    'Log in with envisionme.co.za',
    `<h1>Log in with envisionme.co.za</h1>
<p><strong>${escape(v.appName)}</strong> would like to access your envisionme.co.za profile. You will return to <strong>${escape(destination)}</strong>.</p>
${v.error ? `<p role="alert" id="login-error">${escape(v.error)}</p>` : ''}
<form method="post" action="${escape(v.action)}">
<input type="hidden" name="dialog" value="${escape(v.dialogId)}">
${fields}
<div class="actions">
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
<button type="submit" name="decision" value="cancel" formnovalidate>Cancel</button>
</div>
</form>
<p class="sandbox">envisionme.co.za partner sandbox: no real account is used.</p>`,
  )
}

export interface PaymentView {
  action: string
  chargeId: number
  amount: string
  merchant: string
  customer: string
  email: string
}

export function paymentPage(v: PaymentView): Response {
  return html(
    200,
    `Pay R ${v.amount} | PayFast (sandbox)`,
    `<h1>Pay with PayFast</h1>
<dl>
<dt>Merchant</dt><dd>${escape(v.merchant)}</dd>
<dt>Reference</dt><dd>Charge ${escape(v.chargeId)}</dd>
<dt>Customer</dt><dd>${escape(v.customer)} (${escape(v.email)})</dd>
<dt>Amount</dt><dd id="amount">R ${escape(v.amount)}</dd>
</dl>
<form method="post" action="${escape(v.action)}">
<div class="actions">
<button type="submit" name="decision" value="pay" class="primary">Pay R ${escape(v.amount)}</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>
<p class="sandbox">Payment sandbox: no card is charged.</p>`,
  )
}

/** A charge that is no longer pending: say what became of it, and offer the way back to the shop. */
export function paymentDone(status: number, title: string, message: string, back: string): Response {
  return html(
    status,
    `${title} | PayFast (sandbox)`,
    `<h1>${escape(title)}</h1>
<p role="status">${escape(message)}</p>
<p><a href="${escape(back)}">Return to the merchant</a></p>`,
  )
}
