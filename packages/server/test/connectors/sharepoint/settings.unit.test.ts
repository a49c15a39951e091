import { describe, expect, it } from 'vitest';
import { classifyEntraTokenError, entraProblem } from '../../../src/connectors/sharepoint/entra.ts';
import { sharepointName, sharepointNameRules } from '../../../src/connectors/sharepoint/names.ts';
import {
  parseSharepointSettings,
  readSharepointSettings,
} from '../../../src/connectors/sharepoint/settings.ts';
import { makeSafeName } from '../../../src/workflows/safe-names.ts';

const base = {
  clientId: '3c9f1e2a-7b4d-4e8a-9c6b-0d1e2f3a4b5c',
  secretKey: 'Lxb8Q~EmulatorDemoSecretValue.0123456789',
  tenantId: 'contoso.onmicrosoft.com',
};

/** Parsed settings as the engine stores them. */
const stored = (input: Record<string, unknown>) => {
  const parsed = parseSharepointSettings(input);
  return { config: { ...parsed.config }, secrets: parsed.secrets };
};

function failure(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err as { code: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a failure');
}

describe('SharePoint settings', () => {
  it('defaults the scope, the refresh token and the global cloud', () => {
    const read = readSharepointSettings(stored(base));
    expect(read).toMatchObject({
      scope: 'https://graph.microsoft.com/.default offline_access',
      wantsRefreshToken: true,
      loginHost: 'https://login.microsoftonline.com',
      graphHost: 'https://graph.microsoft.com',
      tenantId: 'contoso.onmicrosoft.com',
    });
  });

  it('refuses a pasted Secret ID (a GUID) with a stable reason', () => {
    const err = failure(() =>
      parseSharepointSettings({ ...base, secretKey: '8d2e4f6a-1b3c-4d5e-8f7a-9b0c1d2e3f4a' }),
    );
    expect(err.code).toBe('connector_config_invalid');
    expect(err.details).toMatchObject({ field: 'secretKey', reason: 'secret_id_pasted' });
    expect(err.message).toMatch(/Secret ID.*Value/);
  });

  it('sets the hosts and the scope of a national cloud', () => {
    const read = readSharepointSettings(stored({ ...base, cloud: 'us-gov-dod' }));
    expect(read.loginHost).toBe('https://login.microsoftonline.us');
    expect(read.graphHost).toBe('https://dod-graph.microsoft.us');
    expect(read.scope).toBe('https://dod-graph.microsoft.us/.default offline_access');
    const china = readSharepointSettings(stored({ ...base, cloud: 'china-21vianet' }));
    expect(china.graphHost).toBe('https://microsoftgraph.chinacloudapi.cn');
  });

  it('takes an explicit host pair (emulators), both or neither', () => {
    const read = readSharepointSettings(
      stored({
        ...base,
        signInHost: 'https://127.0.0.1:8443/',
        graphHost: 'https://127.0.0.1:8443/v1.0',
      }),
    );
    expect(read).toMatchObject({ loginHost: 'https://127.0.0.1:8443', graphHost: 'https://127.0.0.1:8443' });
    expect(
      failure(() => parseSharepointSettings({ ...base, signInHost: 'https://127.0.0.1:8443' })).details,
    ).toMatchObject({
      field: 'graphHost',
    });
  });

  it('refuses "common" and malformed tenants, and keeps the secret on edit', () => {
    expect(failure(() => parseSharepointSettings({ ...base, tenantId: 'common' })).details?.field).toBe(
      'tenantId',
    );
    expect(failure(() => parseSharepointSettings({ ...base, tenantId: 'not a tenant' })).details?.field).toBe(
      'tenantId',
    );
    const stored = parseSharepointSettings(base);
    const edited = parseSharepointSettings(
      { secretKey: '' },
      { config: { ...stored.config }, secrets: stored.secrets },
    );
    expect(edited.secrets.secretKey).toBe(base.secretKey);
  });
});

describe('Entra errors', () => {
  it('names what each AADSTS code means, and which need a new sign-in', () => {
    const cases: [string, string, string, boolean][] = [
      ['invalid_client', 'AADSTS7000215: Invalid client secret provided.', 'secret_invalid', false],
      [
        'invalid_client',
        'AADSTS7000222: The provided client secret keys are expired.',
        'secret_expired',
        false,
      ],
      ['invalid_request', "AADSTS90002: Tenant 'x' not found.", 'tenant_not_found', false],
      ['unauthorized_client', 'AADSTS700016: Application not found.', 'app_not_found', false],
      ['invalid_grant', 'AADSTS65001: The user or administrator has not consented.', 'consent_missing', true],
      ['invalid_grant', 'AADSTS50105: not assigned', 'user_not_assigned', true],
      ['invalid_grant', 'AADSTS70008: expired due to inactivity', 'grant_expired', true],
      ['invalid_grant', 'AADSTS50173: revoked', 'grant_revoked', true],
    ];
    for (const [code, description, reason, reauthorise] of cases) {
      expect(entraProblem(description)?.reason).toBe(reason);
      expect(classifyEntraTokenError({ code, description })).toBe(reauthorise ? 'reauthorise' : 'refused');
    }
    expect(classifyEntraTokenError({ code: 'invalid_grant' })).toBe('reauthorise');
    expect(classifyEntraTokenError({ code: 'temporarily_unavailable' })).toBe('refused');
  });
});

describe('SharePoint names', () => {
  it('applies SharePoint’s rules after Windows’ ones, predictably', () => {
    const safe = (name: string) => makeSafeName(name, sharepointNameRules);
    expect(safe('Q3: "final" <draft>?.docx')).toBe('Q3_ _final_ _draft__.docx');
    expect(safe('  memo.docx ')).toBe('__memo.docx_');
    expect(safe('.lock')).toBe('_.lock');
    expect(safe('Desktop.ini')).toBe('Desktop_.ini');
    expect(safe('my_vti_notes.txt')).toBe('my_vti-notes.txt');
    expect(safe('~$contract.docx')).toBe('_$contract.docx');
    expect(safe('CON.txt')).toBe('CON_.txt');
    expect(safe('notes.')).toBe('notes_');
    expect(sharepointName('Contract v2 (signed).docx')).toBe('Contract v2 (signed).docx');
  });
});
