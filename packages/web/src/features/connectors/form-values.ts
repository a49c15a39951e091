import type { Connector, ConnectorType, CreateConnectorBody } from '@lexbridge/contracts';

/** The connector form's values by field key; booleans for switches, strings for everything else. */
export type FormValues = Record<string, string | boolean>;

export function initialValues(type: ConnectorType, editing?: Connector): FormValues {
  const values: FormValues = {};
  for (const field of type.fields) {
    if (field.key === 'name') {
      values.name = editing?.name ?? (typeof field.default === 'string' ? field.default : '');
      continue;
    }
    const stored = editing && !field.secret ? editing.config[field.key] : undefined;
    const start = stored ?? (editing && field.secret ? null : field.default);
    if (field.type === 'boolean') values[field.key] = start === true || start === 'true';
    else values[field.key] = start === null || start === undefined ? '' : String(start);
  }
  if (!('name' in values)) values.name = editing?.name ?? '';
  return values;
}

/** The checks the browser can make before asking the server; the server checks again. */
export function validate(
  type: ConnectorType,
  values: FormValues,
  editing?: Connector,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of type.fields) {
    const value = values[field.key];
    if (field.type === 'boolean') continue;
    const text = typeof value === 'string' ? value.trim() : '';
    const keepsStoredSecret = field.secret && editing?.secretsSet.includes(field.key);
    if (field.required && !text && !keepsStoredSecret) {
      errors[field.key] = `Enter the ${field.label}.`;
      continue;
    }
    if (field.key === 'name' && text.length > 100) errors[field.key] = 'Use at most 100 characters.';
    if (field.type === 'url' && text) {
      let url: URL | undefined;
      try {
        url = new URL(text);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        errors[field.key] =
          'Enter a full address starting with https://, for example https://imanage.firm.com';
      }
    }
  }
  return errors;
}

/**
 * The create/update body: the name apart, empty optional values left out, and an empty secret left
 * out when editing (the server then keeps the stored one).
 */
export function requestBody(
  type: ConnectorType,
  values: FormValues,
  editing?: Connector,
): CreateConnectorBody {
  const config: Record<string, unknown> = {};
  for (const field of type.fields) {
    if (field.key === 'name') continue;
    const value = values[field.key];
    if (typeof value === 'boolean') {
      config[field.key] = value;
      continue;
    }
    const text = (value ?? '').trim();
    if (!text && (!field.required || (field.secret && editing))) continue;
    config[field.key] = field.secret ? value : text;
  }
  return { type: type.type, name: String(values.name ?? '').trim(), config };
}
