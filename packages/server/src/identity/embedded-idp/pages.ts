/**
 * The embedded provider's pages: plain HTML, no scripts from elsewhere, labelled fields. The labels
 * "Username" and "Password" and the button "Sign in" are stable: browser tests find them by name.
 */
export const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Lexbridge local sign-in</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f5f5f5;color:#1b1b1b;margin:0}
main{max-width:22rem;margin:6rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.4rem;margin:0 0 .25rem}p.hint{color:#555;margin:0 0 1.5rem;font-size:.9rem}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
input{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #8a8a8a;border-radius:4px;font-size:1rem}
input:focus,button:focus{outline:3px solid #0f6cbd;outline-offset:1px}
button{margin-top:1.5rem;width:100%;padding:.65rem;border:0;border-radius:4px;background:#0f6cbd;color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
.error{background:#fdf3f4;border:1px solid #c50f1f;color:#a4262c;padding:.6rem;border-radius:4px;margin-bottom:1rem}
</style>
</head>
<body><main>${body}</main></body>
</html>`;
}

export function loginPage(options: { action: string; username?: string; error?: string }): string {
  const error = options.error
    ? `<div class="error" role="alert" id="login-error">${escapeHtml(options.error)}</div>`
    : '';
  return layout(
    'Sign in',
    `<h1>Sign in to Lexbridge</h1>
<p class="hint">Local identity provider: people come from the users file on this machine.</p>
${error}
<form method="post" action="${escapeHtml(options.action)}" novalidate>
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required${options.username ? '' : ' autofocus'} value="${escapeHtml(options.username ?? '')}"${options.error ? ' aria-describedby="login-error"' : ''}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${options.username ? ' autofocus' : ''}${options.error ? ' aria-describedby="login-error"' : ''}>
<button type="submit">Sign in</button>
</form>`,
  );
}

export function logoutPage(form: string): string {
  return layout(
    'Sign out',
    `<h1>Sign out</h1>
<p class="hint">You have signed out of Lexbridge. Also sign out of the local identity provider?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p><p><a href="/">Back to Lexbridge</a></p>`,
  );
}
