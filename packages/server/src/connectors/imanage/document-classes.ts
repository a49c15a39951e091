import type { ConnectorField } from '@lexbridge/contracts';
import { AppError } from '../../errors.ts';

/**
 * The iManage `class` of the documents Lexbridge files: one for the connector (DOC unless set) and,
 * for workspaces that need another, one per workspace id. The Work API exposes no default class of
 * a workspace (its profile has `subclass` but no class), so a firm names them here. Stored as the
 * text the form shows, one `WORKSPACE_ID = CLASS` per line; read as a map.
 */
export const documentClassFields: ConnectorField[] = [
  {
    key: 'documentClass',
    label: 'Document class',
    help: 'The iManage class of documents Lexbridge files, e.g. DOC (the default). iManage refuses a new document without a class its library knows.',
    default: 'DOC',
    required: false,
    secret: false,
    type: 'text',
    advanced: true,
  },
  {
    key: 'workspaceClasses',
    label: 'Document class per workspace',
    help: 'Only for workspaces whose documents need another class: one line each, the workspace id, "=", the class, e.g. ACTIVE!1234 = PLEADING.',
    default: null,
    required: false,
    secret: false,
    type: 'textarea',
    advanced: true,
  },
];

const classShape = /^[A-Za-z0-9_-]{1,32}$/;
const workspaceShape = /^[^!\s=]+![0-9]+$/;

function invalid(field: string, why: string): AppError {
  return new AppError('connector_config_invalid', `${field}: ${why}`, { field });
}

/** A class name as iManage keeps it (upper case), or DOC when none is given. */
export function parseDocumentClass(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'DOC';
  if (typeof value !== 'string' || !classShape.test(value.trim()))
    throw invalid('documentClass', 'enter the class name as Control Center lists it, e.g. DOC');
  return value.trim().toUpperCase();
}

/** The per-workspace lines, normalised to `ID = CLASS` lines (the stored form). */
export function parseWorkspaceClasses(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string')
    throw invalid('workspaceClasses', 'enter one line per workspace, e.g. ACTIVE!1234 = PLEADING');
  const lines: string[] = [];
  for (const [index, raw] of value.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const [workspace = '', documentClass = '', extra] = line.split('=').map((part) => part.trim());
    if (extra !== undefined || !workspaceShape.test(workspace) || !classShape.test(documentClass))
      throw invalid(
        'workspaceClasses',
        `line ${index + 1} ("${line.slice(0, 60)}") is not "WORKSPACE_ID = CLASS", e.g. ACTIVE!1234 = PLEADING`,
      );
    lines.push(`${workspace} = ${documentClass.toUpperCase()}`);
  }
  return lines.join('\n');
}

/** The stored lines as a map of workspace id → class. */
export function workspaceClassMap(lines: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of lines.split('\n')) {
    const [workspace, documentClass] = line.split(' = ');
    if (workspace && documentClass) map[workspace] = documentClass;
  }
  return map;
}
