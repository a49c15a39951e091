import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorCodes } from './errors.ts';

/**
 * docs/errors.md is generated from the registry in errors.ts (`npm run docs:errors`), so the two cannot
 * drift; a test fails when the committed file is not what this renders. The `// …` comment lines that
 * open each area's block in errors.ts become the document's section headings.
 */
export const errorsDocPath = fileURLToPath(new URL('../../../docs/errors.md', import.meta.url));
const registrySource = fileURLToPath(new URL('./errors.ts', import.meta.url));

function sections(): { title: string; codes: string[] }[] {
  const source = readFileSync(registrySource, 'utf8');
  const body = source.slice(source.indexOf('export const errorCodes'), source.indexOf('} as const'));
  const found: { title: string; codes: string[] }[] = [{ title: 'General', codes: [] }];
  let previousWasComment = false;
  for (const line of body.split('\n')) {
    const comment = /^\s*\/\/\s*(.+?)\s*$/.exec(line);
    if (comment) {
      // A comment that runs over several lines is one heading.
      if (previousWasComment) found[found.length - 1]!.title += ` ${comment[1]!.replace(/\.$/, '')}`;
      else found.push({ title: comment[1]!.replace(/\.$/, ''), codes: [] });
      previousWasComment = true;
      continue;
    }
    previousWasComment = false;
    const code = /^\s*([a-z][a-z0-9_]*):\s*\{/.exec(line);
    if (code) found[found.length - 1]!.codes.push(code[1]!);
  }
  return found.filter((s) => s.codes.length > 0);
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The Markdown of docs/errors.md for the current registry. */
export function renderErrorsDoc(): string {
  const out = [
    '# Error codes',
    '',
    '<!-- Generated from packages/server/src/errors.ts by `npm run docs:errors`. Do not edit by hand. -->',
    '',
    'Every error Lexbridge reports has a stable snake_case code. Over HTTP the body is always',
    '',
    '```json',
    '{ "error": { "code": "not_found", "message": "Nothing exists at GET /api/nope." } }',
    '```',
    '',
    'with the HTTP status below; some errors add a `details` object (for example the fields that failed',
    'validation). The message is written for the person reading it and may be more specific than the',
    'default shown here; programs should act on the code. On the command line the code is printed in',
    'brackets after the message. Codes are never reused or renamed.',
    '',
  ];
  const listed = new Set<string>();
  for (const section of sections()) {
    out.push(`## ${section.title}`, '', '| Code | HTTP status | Default message |', '|---|---|---|');
    for (const code of section.codes) {
      const def = errorCodes[code as keyof typeof errorCodes];
      if (!def) continue;
      listed.add(code);
      out.push(`| \`${code}\` | ${def.status} | ${cell(def.message)} |`);
    }
    out.push('');
  }
  const missed = Object.keys(errorCodes).filter((c) => !listed.has(c));
  if (missed.length > 0)
    throw new Error(`errors.ts could not be read for sections; codes not found: ${missed.join(', ')}`);
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(errorsDocPath, renderErrorsDoc());
  console.log(`wrote ${errorsDocPath}`);
}
