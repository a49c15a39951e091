import { describe, expect, it } from 'vitest';
import { normaliseRoleName, roleFromClaimValue, rolesFromClaims } from './roles.ts';

const defaults = { claimNames: ['roles', 'groups'] };

describe('roleFromClaimValue', () => {
  it.each([
    ['Connector.Admin', 'ConnectorAdmin'],
    ['ConnectorAdmin', 'ConnectorAdmin'],
    ['connector_admin', 'ConnectorAdmin'],
    ['connector-admin', 'ConnectorAdmin'],
    ['CONNECTOR ADMIN', 'ConnectorAdmin'],
    [' Connector . Admin ', 'ConnectorAdmin'],
    ['Admin', 'Admin'],
    ['admin', 'Admin'],
    ['User', 'User'],
    ['user', 'User'],
    ['PluginUser', 'PluginUser'],
    ['plugin user', 'PluginUser'],
    ['Plugin.User', 'PluginUser'],
    ['plugin_user', 'PluginUser'],
  ])('%j means %s', (value, role) => {
    expect(roleFromClaimValue(value)).toBe(role);
  });

  it.each([
    'Administrators',
    'Admins',
    'ConnectorAdministrator',
    'Users',
    'Everyone',
    '',
    'Connector',
    'Plugin',
  ])('%j is not a role', (value) => {
    expect(roleFromClaimValue(value)).toBeNull();
  });

  it('removes the prefix, compared in the same forgiving way', () => {
    expect(roleFromClaimValue('Lexbridge.ConnectorAdmin', 'Lexbridge.')).toBe('ConnectorAdmin');
    expect(roleFromClaimValue('lexbridge-connector_admin', 'Lexbridge.')).toBe('ConnectorAdmin');
    expect(roleFromClaimValue('LEXBRIDGE plugin user', 'lexbridge_')).toBe('PluginUser');
  });

  it('with a prefix, ignores values without it (a firm-wide "Admin" group grants nothing)', () => {
    expect(roleFromClaimValue('Admin', 'Lexbridge.')).toBeNull();
    expect(roleFromClaimValue('Other.Admin', 'Lexbridge.')).toBeNull();
  });

  it('normalises by lower-casing and removing dots, spaces, dashes and underscores only', () => {
    expect(normaliseRoleName('A.b c-d_e')).toBe('abcde');
    expect(normaliseRoleName('Admin!')).toBe('admin!');
    expect(roleFromClaimValue('Admin!')).toBeNull();
  });
});

describe('rolesFromClaims', () => {
  it('reads an Entra-style roles claim', () => {
    expect(rolesFromClaims({ roles: ['Connector.Admin', 'Admin'] }, defaults)).toEqual([
      'ConnectorAdmin',
      'Admin',
    ]);
  });

  it('reads an Okta-style groups claim with a prefix and ignores other groups', () => {
    const claims = { groups: ['Everyone', 'Admin', 'Lexbridge.User', 'Lexbridge.PluginUser', 'Finance'] };
    expect(rolesFromClaims(claims, { ...defaults, prefix: 'Lexbridge.' })).toEqual(['User', 'PluginUser']);
  });

  it('combines roles from several claims, without duplicates, in canonical order', () => {
    const claims = { roles: ['user', 'Admin'], groups: ['connector_admin', 'USER'] };
    expect(rolesFromClaims(claims, defaults)).toEqual(['ConnectorAdmin', 'Admin', 'User']);
  });

  it('reads only the configured claims', () => {
    expect(rolesFromClaims({ roles: ['Admin'], groups: ['User'] }, { claimNames: ['groups'] })).toEqual([
      'User',
    ]);
    expect(rolesFromClaims({ wids: ['Admin'] }, defaults)).toEqual([]);
  });

  it('accepts a single string, and comma-separated values in it', () => {
    expect(rolesFromClaims({ roles: 'Admin' }, defaults)).toEqual(['Admin']);
    expect(rolesFromClaims({ roles: 'Admin, Plugin User' }, defaults)).toEqual(['Admin', 'PluginUser']);
  });

  it('walks a dotted claim name into nested objects (Keycloak realm_access.roles)', () => {
    const claims = { realm_access: { roles: ['offline_access', 'connector-admin'] } };
    expect(rolesFromClaims(claims, { claimNames: ['realm_access.roles'] })).toEqual(['ConnectorAdmin']);
  });

  it('prefers a claim literally named with a dot over walking', () => {
    expect(
      rolesFromClaims({ 'app.roles': ['User'], app: { roles: ['Admin'] } }, { claimNames: ['app.roles'] }),
    ).toEqual(['User']);
  });

  it('gives no roles for missing, empty or odd-shaped claims', () => {
    expect(rolesFromClaims({}, defaults)).toEqual([]);
    expect(rolesFromClaims({ roles: [] }, defaults)).toEqual([]);
    expect(rolesFromClaims({ roles: null, groups: 42 }, defaults)).toEqual([]);
    expect(rolesFromClaims({ roles: [1, { name: 'Admin' }, null] }, defaults)).toEqual([]);
    expect(rolesFromClaims({ roles: { Admin: true } }, defaults)).toEqual([]);
  });
});
