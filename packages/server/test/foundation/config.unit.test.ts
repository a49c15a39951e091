import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '../../src/config/index.ts';
import { errorCodes } from '../../src/errors.ts';
import { errorsDocPath, renderErrorsDoc } from '../../src/errors-doc.ts';

function problemsOf(env: Record<string, string>): { variable: string; expected: string }[] {
  try {
    loadConfig(env, '/srv/lexbridge');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({}, '/srv/lexbridge');
    expect(config.PORT).toBe(8080);
    expect(config.dataDir).toBe('/srv/lexbridge/data');
    expect(config.embedded).toBe(true);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('takes PORT, LEXBRIDGE_DATA_DIR and DATABASE_URL from the environment', () => {
    const config = loadConfig(
      {
        PORT: '9090',
        LEXBRIDGE_DATA_DIR: 'var/lb',
        DATABASE_URL: 'postgres://u:p@db:5432/lexbridge',
        LEXBRIDGE_PUBLIC_URL: 'https://lb.firm.test/',
      },
      '/srv/lexbridge',
    );
    expect(config.PORT).toBe(9090);
    expect(config.dataDir).toBe('/srv/lexbridge/var/lb');
    expect(config.embedded).toBe(false);
    expect(config.publicUrl).toBe('https://lb.firm.test');
  });

  it('treats an empty variable as unset and reads lower-case proxy variables', () => {
    const config = loadConfig({ PORT: '', https_proxy: 'http://proxy.firm.test:3128' });
    expect(config.PORT).toBe(8080);
    expect(config.HTTPS_PROXY).toBe('http://proxy.firm.test:3128');
  });

  it.each([
    ['PORT', 'eighty', /whole number from 0 to 65535/],
    ['PORT', '70000', /whole number from 0 to 65535/],
    ['DATABASE_URL', 'mysql://db/lexbridge', /postgres:\/\//],
    ['DATABASE_POOL_SIZE', '1', /whole number from 2 to 200/],
    ['LOG_LEVEL', 'loud', /one of fatal, error, warn, info, debug, trace, silent/],
    ['LEXBRIDGE_PUBLIC_URL', 'lexbridge.firm', /absolute URL/],
    ['LEXBRIDGE_ENCRYPTION_KEYS', 'k1:short', /keyId:base64key/],
    ['LEXBRIDGE_ALLOW_EMBEDDED_IDP', 'maybe', /true or false/],
    ['LEXBRIDGE_WORKER_CONCURRENCY', '2.5', /whole number from 1 to 64/],
  ])('refuses %s=%s naming the variable and what it expects', (variable, value, expected) => {
    const problems = problemsOf({ [variable]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.variable).toBe(variable);
    expect(problems[0]!.expected).toMatch(expected);
  });

  it('reads roles from the roles claim only by default, and refuses a group claim without a prefix', () => {
    expect(loadConfig({}).LEXBRIDGE_OIDC_ROLE_CLAIMS).toEqual(['roles']);
    const problems = problemsOf({ LEXBRIDGE_OIDC_ROLE_CLAIMS: 'roles,groups' });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.variable).toBe('LEXBRIDGE_OIDC_ROLE_PREFIX');
    expect(problems[0]!.expected).toMatch(/a firm group called "Admin"/);
    expect(
      loadConfig({ LEXBRIDGE_OIDC_ROLE_CLAIMS: 'groups', LEXBRIDGE_OIDC_ROLE_PREFIX: 'Lexbridge.' })
        .LEXBRIDGE_OIDC_ROLE_CLAIMS,
    ).toEqual(['groups']);
  });

  it('reports every wrong variable at once, in a message that names each', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: '-1', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.code).toBe('config_invalid');
    expect(error?.message).toMatch(/^Lexbridge cannot start: some settings are wrong\./);
    expect(error?.message).toContain('  PORT: expected a whole number from 0 to 65535');
    expect(error?.message).toContain('  LOG_LEVEL: expected one of');
  });
});

describe('settings are read in one place', () => {
  it('no server module reads process.env except config/index.ts', () => {
    const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));
    const offenders = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== join('config', 'index.ts'))
      .filter((f) => /process\.env\b/.test(readFileSync(join(srcDir, f), 'utf8')));
    expect(
      offenders,
      'add the variable to configSchema (and docs/configuration.md) and read it from lexbridge.config',
    ).toEqual([]);
  });
});

describe('docs/configuration.md', () => {
  const doc = readFileSync(
    fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url)),
    'utf8',
  );
  const rows = new Map(
    [...doc.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*([^|]*?)\s*\|/gm)].map((m) => [
      m[1]!,
      m[2]!.replace(/`/g, ''),
    ]),
  );
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const documentedDefault = (value: unknown) =>
    value === undefined
      ? '(none)'
      : Array.isArray(value)
        ? value.join(',') || '(empty)'
        : value === ''
          ? '(empty)'
          : String(value);

  it('lists every configuration variable, and only those', () => {
    const variables = Object.keys(configSchema.shape);
    const undocumented = variables.filter((v) => !rows.has(v));
    const stale = [...rows.keys()].filter((v) => !variables.includes(v));
    expect(
      { undocumented, stale },
      'add a row to docs/configuration.md for each new variable, remove rows of removed ones',
    ).toEqual({
      undocumented: [],
      stale: [],
    });
  });

  it('gives each variable its actual default', () => {
    for (const variable of Object.keys(configSchema.shape).filter((v) => rows.has(v))) {
      expect({ variable, default: rows.get(variable) }).toEqual({
        variable,
        default: documentedDefault(defaults[variable]),
      });
    }
  });
});

describe('docs/errors.md', () => {
  it('is what `npm run docs:errors` generates from the registry (run it after adding a code)', () => {
    expect(readFileSync(errorsDocPath, 'utf8')).toBe(renderErrorsDoc());
  });

  it('lists every registered code with its status', () => {
    const doc = readFileSync(errorsDocPath, 'utf8');
    for (const [code, def] of Object.entries(errorCodes))
      expect(doc).toContain(`| \`${code}\` | ${def.status} |`);
  });

  it('uses snake_case codes, HTTP statuses and a message for each', () => {
    for (const [code, def] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(Number.isInteger(def.status) && def.status >= 200 && def.status <= 599, code).toBe(true);
      expect(def.message.length, code).toBeGreaterThan(5);
    }
  });
});
