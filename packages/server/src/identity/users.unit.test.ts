import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { isLoopbackUrl, oidcSettings } from './settings.ts';
import { profileFromClaims } from './users.ts';

const roleOptions = { claimNames: ['roles', 'groups'] };

describe('profileFromClaims', () => {
  it('reads subject, e-mail, name and roles', () => {
    expect(
      profileFromClaims(
        { sub: 'abc', email: 'a@firm.test', name: 'Ann', roles: ['User'] },
        'https://idp',
        roleOptions,
      ),
    ).toEqual({
      issuer: 'https://idp',
      subject: 'abc',
      email: 'a@firm.test',
      name: 'Ann',
      roles: ['User'],
    });
  });

  it('takes the e-mail from preferred_username or upn when it looks like one (Entra ID)', () => {
    expect(profileFromClaims({ sub: 's', preferred_username: 'ann@firm.test' }, 'i', roleOptions).email).toBe(
      'ann@firm.test',
    );
    expect(
      profileFromClaims({ sub: 's', preferred_username: 'ann', upn: 'ann@firm.test' }, 'i', roleOptions)
        .email,
    ).toBe('ann@firm.test');
  });

  it('builds the name from given and family names, else the username, else the e-mail', () => {
    expect(
      profileFromClaims(
        { sub: 's', email: 'e@x.test', given_name: 'Ann', family_name: 'Lee' },
        'i',
        roleOptions,
      ).name,
    ).toBe('Ann Lee');
    expect(
      profileFromClaims({ sub: 's', email: 'e@x.test', preferred_username: 'ann' }, 'i', roleOptions).name,
    ).toBe('ann');
    expect(profileFromClaims({ sub: 's', email: 'e@x.test' }, 'i', roleOptions).name).toBe('e@x.test');
  });

  it('refuses claims without a subject or an e-mail address with oidc_claims_missing naming what is missing', () => {
    expect(() => profileFromClaims({ email: 'e@x.test' }, 'i', roleOptions)).toThrow(
      expect.objectContaining({ code: 'oidc_claims_missing', details: { missing: ['sub'] } }),
    );
    expect(() => profileFromClaims({ sub: 's', preferred_username: 'ann' }, 'i', roleOptions)).toThrow(
      expect.objectContaining({ code: 'oidc_claims_missing', details: { missing: ['email'] } }),
    );
    expect(() => profileFromClaims({ sub: '  ', email: '' }, 'i', roleOptions)).toThrow(
      expect.objectContaining({ details: { missing: ['sub', 'email'] } }),
    );
  });
});

describe('isLoopbackUrl', () => {
  it.each([
    'http://localhost:8080',
    'http://127.0.0.1',
    'http://127.1.2.3:9',
    'http://[::1]:8080',
    'https://app.localhost',
  ])('%s is loopback', (url) => {
    expect(isLoopbackUrl(url)).toBe(true);
  });
  it.each([
    'https://lexbridge.firm.example',
    'http://10.0.0.1',
    'http://localhost.evil.example',
    'http://128.0.0.1',
    'not a url',
  ])('%s is not', (url) => {
    expect(isLoopbackUrl(url)).toBe(false);
  });
});

describe('oidcSettings', () => {
  it('uses the embedded provider at /idp without LEXBRIDGE_OIDC_ISSUER', () => {
    const s = oidcSettings(loadConfig({ PORT: '9000' }));
    expect(s).toMatchObject({
      embedded: true,
      issuer: 'http://localhost:9000/idp',
      clientId: 'lexbridge-local',
      redirectUri: 'http://localhost:9000/signin-oidc',
    });
    expect(s.clientSecret).toBeUndefined();
  });

  it("uses the firm's provider, always asking for openid", () => {
    const s = oidcSettings(
      loadConfig({
        LEXBRIDGE_PUBLIC_URL: 'https://lexbridge.firm.example/',
        LEXBRIDGE_OIDC_ISSUER: 'https://login.example/tenant/v2.0/',
        LEXBRIDGE_OIDC_CLIENT_ID: 'cid',
        LEXBRIDGE_OIDC_CLIENT_SECRET: 'secret',
        LEXBRIDGE_OIDC_SCOPES: 'profile,email groups',
      }),
    );
    expect(s).toMatchObject({
      embedded: false,
      issuer: 'https://login.example/tenant/v2.0',
      clientId: 'cid',
      clientSecret: 'secret',
      scopes: ['openid', 'profile', 'email', 'groups'],
      redirectUri: 'https://lexbridge.firm.example/signin-oidc',
      postLogoutRedirectUri: 'https://lexbridge.firm.example/',
    });
  });

  it('refuses an issuer without a client id with idp_misconfigured', () => {
    expect(() => oidcSettings(loadConfig({ LEXBRIDGE_OIDC_ISSUER: 'https://idp.example' }))).toThrow(
      expect.objectContaining({ code: 'idp_misconfigured' }),
    );
  });
});
