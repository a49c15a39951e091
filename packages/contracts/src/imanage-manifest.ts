/**
 * The manifest of a Lexbridge extension package for iManage Control Center ("Add Application >
 * Upload Package"). iManage's own manifest.yaml format is not public, so this is a documented schema
 * of our own (docs/imanage-extension-manifest.md), accepted by the emulator and produced by Lexbridge.
 * It lives in one module so it is easy to align with the real format later.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { z } from 'zod';

const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
/** The YAML parser, loaded when a manifest is first read or written rather than when the server starts. */
function yaml(): typeof Yaml {
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
}

/** A manifest (checked or still to be checked) as the text of a manifest.yaml. */
export function stringifyImanageManifest(manifest: unknown): string {
  return yaml().stringify(manifest);
}

const settingKey = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*$/,
    'must be lower_snake_case (letters, digits, underscores; starts with a letter)',
  );

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });

export const imanageManifestSettingSchema = z.strictObject({
  key: settingKey,
  label: z.string().min(1).max(100),
  help: z.string().max(500).optional(),
  default: z.string().optional(),
  required: z.boolean().default(false),
  type: z.enum(['text', 'url']).default('text'),
});

export const imanageContextMenuTargetSchema = z.enum(['document', 'folder', 'workspace']);

export const imanageContextMenuCommandSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
  label: z.string().min(1).max(100),
  /** May contain `{settings.<key>}` placeholders, filled from the application's Settings step. */
  url: z.string().min(1),
  targets: z.array(imanageContextMenuTargetSchema).min(1),
  multi_select: z.boolean().default(false),
  open_in: z.enum(['new_tab', 'same_tab']).default('new_tab'),
});

export const imanageManifestSchema = z
  .strictObject({
    schema_version: z.literal(1),
    name: z.string().min(1).max(100),
    description: z.string().max(1000).default(''),
    publisher: z.string().max(100).optional(),
    version: z.string().max(50).optional(),
    /** Optional: Control Center generates a client id when the package does not bring one. */
    client_id: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1-100 letters, digits, dots, dashes or underscores')
      .optional(),
    application_type: z.enum(['web', 'native']).default('web'),
    redirect_urls: z.array(httpUrl).default([]),
    allow_refresh_token: z.boolean().default(false),
    rotate_refresh_token: z.boolean().default(false),
    access_token_minutes: z.int().min(1).max(1_000_000).default(30),
    refresh_token_days: z.int().min(1).max(36_500).default(365),
    settings: z.array(imanageManifestSettingSchema).default([]),
    context_menu: z.array(imanageContextMenuCommandSchema).default([]),
  })
  .superRefine((manifest, ctx) => {
    const keys = new Set<string>();
    manifest.settings.forEach((setting, index) => {
      if (keys.has(setting.key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['settings', index, 'key'],
          message: `duplicate key "${setting.key}"`,
        });
      }
      keys.add(setting.key);
    });
    const ids = new Set<string>();
    manifest.context_menu.forEach((command, index) => {
      if (ids.has(command.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['context_menu', index, 'id'],
          message: `duplicate id "${command.id}"`,
        });
      }
      ids.add(command.id);
      for (const key of placeholderKeys(command.url)) {
        if (!keys.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['context_menu', index, 'url'],
            message: `uses {settings.${key}} but no setting with key "${key}" is declared`,
          });
        }
      }
      // Placeholders stand for whole URL parts (often the host), so check the shape with a stand-in.
      const sample = command.url.replace(/\{settings\.[a-z0-9_]+\}/g, 'https://placeholder.invalid');
      if (!/^https?:\/\//.test(sample) || !URL.canParse(sample)) {
        ctx.addIssue({
          code: 'custom',
          path: ['context_menu', index, 'url'],
          message: 'must be an absolute http(s) URL once {settings.*} placeholders are filled in',
        });
      }
    });
  });

export type ImanageManifest = z.infer<typeof imanageManifestSchema>;
export type ImanageManifestSetting = z.infer<typeof imanageManifestSettingSchema>;
export type ImanageContextMenuCommand = z.infer<typeof imanageContextMenuCommandSchema>;
export type ImanageContextMenuTarget = z.infer<typeof imanageContextMenuTargetSchema>;

/** Raised when a manifest is not valid YAML or breaks the schema; `issues` lists every problem. */
export class ImanageManifestError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`manifest.yaml is invalid: ${issues.join('; ')}`);
    this.name = 'ImanageManifestError';
    this.issues = issues;
  }
}

/** The `{settings.<key>}` placeholders a command URL uses, in order of appearance. */
export function placeholderKeys(url: string): string[] {
  return [...url.matchAll(/\{settings\.([a-z0-9_]+)\}/g)].map((match) => match[1] ?? '');
}

/**
 * Parses and validates the text of a manifest.yaml.
 *
 * @throws ImanageManifestError naming every problem, e.g.
 *   `manifest.yaml is invalid: redirect_urls.0: must be an absolute http(s) URL`
 */
export function parseImanageManifest(yamlText: string): ImanageManifest {
  let raw: unknown;
  try {
    raw = yaml().parse(yamlText);
  } catch (error) {
    const detail = error instanceof yaml().YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new ImanageManifestError([`not valid YAML (${detail})`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ImanageManifestError(['the document must be a mapping of fields (name: …, redirect_urls: …)']);
  }
  const result = imanageManifestSchema.safeParse(raw);
  if (!result.success) {
    throw new ImanageManifestError(
      result.error.issues.map(
        (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`,
      ),
    );
  }
  return result.data;
}
