import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import { getJson, passwordToken, startTestEmulator } from './helpers.ts';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({
    customerId: 5948,
    content: { libraries: ['ACTIVE', 'ARCHIVE'], workspaces: 1 },
  });
});
afterAll(() => emulator.close());

describe('GET /api', () => {
  it('describes the user, customer, versions and libraries', async () => {
    const token = await passwordToken(emulator, 'ajones');
    const { status, body } = await getJson(`${emulator.url}/api`, token);
    expect(status).toBe(200);
    expect(body.data.user).toMatchObject({
      customer_id: 5948,
      id: 'ajones',
      name: 'Alice Jones',
      email: 'ajones@emulator.example',
      user_type: 'enterprise',
    });
    expect(body.data.auth_status).toBe('authenticated');
    expect(body.data.app).toEqual({ id: 'lexbridge-test' });
    expect(body.data.dms_version).toMatch(/^10\./);
    expect(body.data.versions).toEqual([
      { name: 'v2', url: `${emulator.url}/work/api/v2`, version: expect.any(String) },
    ]);
    expect(body.data.work.libraries.map((l: { alias: string }) => l.alias)).toEqual(['ACTIVE', 'ARCHIVE']);
    expect(body.data.work.preferred_library).toBe('ACTIVE');
    expect(Array.isArray(body.data.capabilities)).toBe(true);
  });

  it('answers 401 in the error envelope without a token', async () => {
    const response = await fetch(`${emulator.url}/api`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'Unauthorized', message: 'X-Auth-Token is invalid or missing' },
    });
  });

  it('lists the libraries under the customer', async () => {
    const token = await passwordToken(emulator);
    const { body } = await getJson(`${emulator.url}/work/api/v2/customers/5948/libraries`, token);
    expect(body.data).toEqual([
      { id: 'ACTIVE', display_name: 'Active', type: 'worksite', is_hidden: false },
      { id: 'ARCHIVE', display_name: 'Archive', type: 'worksite', is_hidden: false },
    ]);
    const wrongCustomer = await getJson(`${emulator.url}/work/api/v2/customers/1/libraries`, token);
    expect(wrongCustomer.status).toBe(404);
  });
});
