/**
 * Checks a profile against the public iManage Work field catalogue (the Power Automate connector's
 * field definitions), as recorded in fixtures/profile-fields.json: every required field present and
 * non-null, every typed field of the right JSON type and, where the catalogue lists values, one of them.
 */
import catalogue from './fixtures/profile-fields.json' with { type: 'json' };

type FieldType = 'string' | 'integer' | 'number' | 'boolean' | string[];
interface ProfileDefinition {
  required: string[];
  fields: Record<string, FieldType>;
}
export type ProfileKind = 'workspace' | 'folder' | 'document';

const definitions = catalogue as unknown as Record<ProfileKind, ProfileDefinition>;

function hasType(value: unknown, type: FieldType): boolean {
  if (Array.isArray(type)) return typeof value === 'string';
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/** Problems found; an empty list means the profile conforms. */
export function profileProblems(kind: ProfileKind, profile: Record<string, unknown>): string[] {
  const definition = definitions[kind];
  const problems: string[] = [];
  for (const field of definition.required) {
    if (profile[field] === undefined || profile[field] === null)
      problems.push(`${field}: required but missing`);
  }
  for (const [field, type] of Object.entries(definition.fields)) {
    const value = profile[field];
    if (value === undefined || value === null) continue;
    if (!hasType(value, type)) {
      problems.push(
        `${field}: expected ${Array.isArray(type) ? 'string' : type}, got ${JSON.stringify(value)}`,
      );
    } else if (Array.isArray(type) && !type.includes(value as string)) {
      problems.push(`${field}: ${JSON.stringify(value)} is not one of ${type.join(', ')}`);
    }
  }
  return problems;
}
