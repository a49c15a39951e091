/**
 * Server-rendered HTML without a template engine: `html` escapes every interpolated value unless it is
 * already SafeHtml, so user-controlled names (workspace names, app names) cannot inject markup.
 */
export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

type HtmlValue = SafeHtml | string | number | boolean | null | undefined | HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1f;background:#f6f7f9}
header{background:#14365d;color:#fff;padding:.75rem 1.5rem;display:flex;gap:1rem;align-items:center}
header a{color:#fff}header .who{margin-left:auto}
main{max-width:70rem;margin:1.5rem auto;padding:0 1.5rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #dde}
button,.button{font:inherit;padding:.35rem .8rem;border:1px solid #14365d;background:#fff;color:#14365d;border-radius:4px;cursor:pointer}
button.primary{background:#14365d;color:#fff}
label{display:block;margin:.8rem 0 .25rem;font-weight:600}.check label,label.inline{display:inline;font-weight:normal}
input[type=text],input[type=password],input[type=number],input[type=url],textarea,select{font:inherit;padding:.35rem;width:100%;max-width:32rem;box-sizing:border-box}
.error{color:#a4000f;background:#fde7e9;padding:.5rem .75rem;border-radius:4px}
.notice{background:#e6f2e6;padding:.5rem .75rem;border-radius:4px}
.steps{display:flex;gap:.5rem;list-style:none;padding:0}.steps li{padding:.2rem .6rem;border-radius:3px;background:#e4e8ee}
.steps li[aria-current=step]{background:#14365d;color:#fff}
.help{color:#555;font-size:.9em}
[role=menu]{position:absolute;background:#fff;border:1px solid #99a;box-shadow:0 2px 8px #0003;padding:.25rem 0;min-width:14rem;z-index:10}
[role=menuitem]{display:block;padding:.35rem .9rem;color:#1b1b1f;text-decoration:none}
[role=menuitem]:hover,[role=menuitem]:focus{background:#e4e8ee;outline:none}
output{font-family:monospace;background:#fff;border:1px solid #ccd;padding:.2rem .4rem;display:inline-block}
`;

export function page(title: string, body: SafeHtml, options: { user?: string; nav?: SafeHtml } = {}): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${new SafeHtml(STYLE)}</style></head>
<body><header><strong>iManage Work (emulator)</strong>${options.nav ?? ''}${
    options.user
      ? html`<span class="who">Signed in as ${options.user}
        <form method="post" action="/auth/sign-out" style="display:inline"><button type="submit">Sign out</button></form></span>`
      : ''
  }</header>
<main>${body}</main></body></html>`.value;
}
