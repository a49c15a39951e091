import type { Connector, ConnectorType } from '@lexbridge/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError, fieldErrors } from '../src/api/client.ts';
import { initialValues, requestBody, validate } from '../src/features/connectors/form-values.ts';

const imanage: ConnectorType = {
  type: 'imanage-onprem',
  label: 'iManage',
  description: 'On premises',
  available: true,
  perUserAuthorisation: true,
  fields: [
    { key: 'name', label: 'Name', help: '', default: null, required: true, secret: false, type: 'text' },
    {
      key: 'clientId',
      label: 'Client Id',
      help: '',
      default: null,
      required: true,
      secret: false,
      type: 'text',
    },
    {
      key: 'secretKey',
      label: 'Secret Key',
      help: '',
      default: null,
      required: true,
      secret: true,
      type: 'password',
    },
    { key: 'scope', label: 'Scope', help: '', default: 'user', required: true, secret: false, type: 'text' },
    {
      key: 'refreshToken',
      label: 'Refresh Token',
      help: '',
      default: true,
      required: false,
      secret: false,
      type: 'boolean',
    },
    {
      key: 'serverAddress',
      label: 'Server Address',
      help: '',
      default: null,
      required: true,
      secret: false,
      type: 'url',
    },
    {
      key: 'caBundle',
      label: 'CA',
      help: '',
      default: null,
      required: false,
      secret: false,
      type: 'textarea',
      advanced: true,
    },
  ],
};

const stored: Connector = {
  id: '6f1c1c43-4a43-4f52-9a57-1a1f2d4c1111',
  type: 'imanage-onprem',
  name: 'iManage US',
  config: { clientId: 'abc', scope: 'user', refreshToken: false, serverAddress: 'https://dms.firm.example' },
  secretsSet: ['secretKey'],
  status: 'active',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  connection: { status: 'unauthorised' },
};

describe('the connector form', () => {
  it('starts a new connector from the defaults and an edit from the stored settings, never a secret', () => {
    expect(initialValues(imanage)).toEqual({
      name: '',
      clientId: '',
      secretKey: '',
      scope: 'user',
      refreshToken: true,
      serverAddress: '',
      caBundle: '',
    });
    expect(initialValues(imanage, stored)).toMatchObject({
      name: 'iManage US',
      clientId: 'abc',
      secretKey: '',
      refreshToken: false,
    });
  });

  it('names each missing field and rejects an address that is not http(s)', () => {
    const errors = validate(imanage, { ...initialValues(imanage), serverAddress: 'dms.firm.example' });
    expect(errors).toEqual({
      name: 'Enter the Name.',
      clientId: 'Enter the Client Id.',
      secretKey: 'Enter the Secret Key.',
      serverAddress: 'Enter a full address starting with https://, for example https://imanage.firm.com',
    });
  });

  it('lets an edit keep the stored Secret Key by leaving it empty, and leaves it out of the request', () => {
    const values = initialValues(imanage, stored);
    expect(validate(imanage, values, stored)).toEqual({});
    const body = requestBody(imanage, values, stored);
    expect(body.config).not.toHaveProperty('secretKey');
    expect(body.config).not.toHaveProperty('caBundle');
    expect(body).toMatchObject({
      type: 'imanage-onprem',
      name: 'iManage US',
      config: { clientId: 'abc', refreshToken: false },
    });
  });

  it('puts the server answers under the field they concern', () => {
    const zod = new ApiError(400, 'validation_failed', 'body.name: too short', {
      issues: [{ path: 'body.config.clientId', message: 'required' }],
    });
    expect(fieldErrors(zod)).toEqual({ clientId: 'required' });
    const config = new ApiError(
      400,
      'connector_config_invalid',
      'serverAddress: the address must start with https://',
      {
        field: 'serverAddress',
      },
    );
    expect(fieldErrors(config)).toEqual({ serverAddress: 'the address must start with https://' });
    expect(fieldErrors(new Error('x'))).toEqual({});
  });
});
