/**
 * The --users and --apps file formats (JSON arrays), validated with zod so a typo in a test fixture
 * fails at start with the field's path instead of surfacing later as a puzzling 401.
 */
import { z } from 'zod';
import {
  imanageContextMenuCommandSchema,
  imanageManifestSettingSchema,
} from '../../contracts/src/imanage-manifest.ts';
import { ACCESS_LEVELS, type Application, type EmulatorUser } from './model.ts';

const accessLevel = z.enum(ACCESS_LEVELS);

export const userFileEntrySchema = z.strictObject({
  id: z.string().min(1),
  password: z.string(),
  name: z.string().optional(),
  email: z.string().optional(),
  user_type: z.enum(['enterprise', 'system', 'virtual']).default('enterprise'),
  admin: z.boolean().default(false),
  /** Workspace id ("ACTIVE!100") or workspace name → access; "*" is the default for the rest. */
  access: z.record(z.string(), accessLevel).default({ '*': 'read_write' }),
});
export type UserFileEntry = z.input<typeof userFileEntrySchema>;

export const appFileEntrySchema = z.strictObject({
  client_id: z.string().min(1),
  client_secret: z.string().nullable().optional(),
  name: z.string().optional(),
  description: z.string().default(''),
  publisher: z.string().optional(),
  application_type: z.enum(['web', 'native']).default('web'),
  redirect_urls: z.array(z.string()).default([]),
  allow_refresh_token: z.boolean().default(false),
  rotate_refresh_token: z.boolean().default(false),
  access_token_minutes: z.int().min(1).default(30),
  refresh_token_days: z.int().min(1).default(365),
  enabled: z.boolean().default(true),
  /** User ids allowed to use the application; omitted = all users. */
  users: z.array(z.string()).optional(),
  settings: z.record(z.string(), z.string()).default({}),
  setting_fields: z.array(imanageManifestSettingSchema).default([]),
  context_menu: z.array(imanageContextMenuCommandSchema).default([]),
});
export type AppFileEntry = z.input<typeof appFileEntrySchema>;

function describeIssues(error: z.ZodError, what: string): Error {
  const lines = error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return new Error(`${what} is invalid: ${lines.join('; ')}`);
}

export function parseUsers(entries: unknown, what = 'users'): EmulatorUser[] {
  const result = z.array(userFileEntrySchema).safeParse(entries);
  if (!result.success) throw describeIssues(result.error, what);
  return result.data.map((entry) => ({
    ...entry,
    name: entry.name ?? entry.id,
    email: entry.email ?? `${entry.id}@emulator.example`,
  }));
}

export function parseApps(entries: unknown, now: number, what = 'apps'): Application[] {
  const result = z.array(appFileEntrySchema).safeParse(entries);
  if (!result.success) throw describeIssues(result.error, what);
  return result.data.map((entry) => ({
    client_id: entry.client_id,
    client_secret: entry.client_secret ?? null,
    name: entry.name ?? entry.client_id,
    description: entry.description,
    publisher: entry.publisher ?? null,
    application_type: entry.application_type,
    redirect_urls: entry.redirect_urls,
    allow_refresh_token: entry.allow_refresh_token,
    rotate_refresh_token: entry.rotate_refresh_token,
    access_token_minutes: entry.access_token_minutes,
    refresh_token_days: entry.refresh_token_days,
    enabled: entry.enabled,
    access: entry.users ? { mode: 'users', users: entry.users } : { mode: 'all', users: [] },
    setting_fields: entry.setting_fields,
    settings: {
      ...Object.fromEntries(entry.setting_fields.map((field) => [field.key, field.default ?? ''])),
      ...entry.settings,
    },
    context_menu: entry.context_menu,
    package_files: [],
    created_at: now,
  }));
}

/**
 * Users when none are given: an administrator, a user who may write everywhere, and one who may only
 * read and cannot see the second workspace (so access enforcement is visible in a demo).
 */
export function defaultUsers(secondWorkspaceIds: string[]): UserFileEntry[] {
  return [
    {
      id: 'admin',
      password: 'admin',
      name: 'Emulator Administrator',
      email: 'admin@emulator.example',
      admin: true,
      access: { '*': 'full_access' },
    },
    {
      id: 'jsmith',
      password: 'password',
      name: 'John Smith',
      email: 'jsmith@emulator.example',
      access: { '*': 'read_write' },
    },
    {
      id: 'ajones',
      password: 'password',
      name: 'Alice Jones',
      email: 'ajones@emulator.example',
      access: {
        '*': 'read',
        ...Object.fromEntries(secondWorkspaceIds.map((id) => [id, 'no_access' as const])),
      },
    },
  ];
}
