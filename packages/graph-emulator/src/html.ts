/** Server-rendered HTML: `html` escapes every interpolated value unless it is already SafeHtml. */
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
body{font-family:"Segoe UI",system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f3f2f1}
header{background:#0f6cbd;color:#fff;padding:.7rem 1.5rem}
main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}
.card{background:#fff;max-width:26rem;margin:2rem auto;padding:2rem;box-shadow:0 2px 6px #0002}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:1.5rem}th,td{text-align:left;padding:.35rem .55rem;border-bottom:1px solid #e1dfdd;vertical-align:top}
label{display:block;margin:.8rem 0 .25rem;font-weight:600}
input[type=text],input[type=password],input[type=email]{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;padding:.4rem 1.2rem;border:0;background:#0f6cbd;color:#fff;margin-top:1rem;cursor:pointer}
.error{color:#a4262c;background:#fde7e9;padding:.5rem .75rem}
code{font-size:.9em}
`;

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${new SafeHtml(STYLE)}</style></head>
<body><header><strong>Microsoft Graph emulator</strong></header><main>${body}</main></body></html>`.value;
}
