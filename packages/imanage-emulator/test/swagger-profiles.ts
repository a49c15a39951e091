/**
 * Checks a profile against a definition of the Power Automate connector's swagger (the public field
 * catalogue of iManage Work): every required field present and non-null, every known field of the
 * right JSON type and, where the definition has an enum, one of its values.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The shared reference sits beside the repository (../shared from the repo root), in CI as here.
const SWAGGER_URL = new URL(
  '../../../../shared/reference/imanage-work-powerautomate/apiDefinition.swagger.json',
  import.meta.url,
);

interface PropertySchema {
  type?: string;
  enum?: string[];
}
interface Definition {
  required?: string[];
  properties: Record<string, PropertySchema>;
}

let definitions: Record<string, Definition> | undefined;

export function swaggerDefinition(name: string): Definition {
  if (!definitions) {
    const path = fileURLToPath(SWAGGER_URL);
    if (!existsSync(path)) {
      throw new Error(
        `swagger reference not found at ${path}: the shared/ folder must sit beside the repository root`,
      );
    }
    definitions = (JSON.parse(readFileSync(path, 'utf8')) as { definitions: Record<string, Definition> })
      .definitions;
  }
  const definition = definitions[name];
  if (!definition) throw new Error(`definition ${name} not in the swagger`);
  return definition;
}

/** Problems found; an empty list means the profile conforms. */
export function profileProblems(definitionName: string, profile: Record<string, unknown>): string[] {
  const definition = swaggerDefinition(definitionName);
  const problems: string[] = [];
  for (const field of definition.required ?? []) {
    if (profile[field] === undefined || profile[field] === null)
      problems.push(`${field}: required but missing`);
  }
  for (const [field, schema] of Object.entries(definition.properties)) {
    const value = profile[field];
    if (value === undefined || value === null || !schema.type) continue;
    const ok =
      schema.type === 'string'
        ? typeof value === 'string'
        : schema.type === 'integer'
          ? Number.isInteger(value)
          : schema.type === 'number'
            ? typeof value === 'number'
            : schema.type === 'boolean'
              ? typeof value === 'boolean'
              : true;
    if (!ok) problems.push(`${field}: expected ${schema.type}, got ${JSON.stringify(value)}`);
    if (ok && schema.enum && !schema.enum.includes(value as string)) {
      problems.push(`${field}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
    }
  }
  return problems;
}
