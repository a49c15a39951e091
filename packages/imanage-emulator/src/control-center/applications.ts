/**
 * Control Center's application operations, shared by the JSON API and the HTML wizard so both
 * validate the same way: add (from a package or by hand), the Configuration, Authentication, Access
 * and Settings steps, client secret generation, Enable/Disable and Delete.
 *
 * Disable keeps the application's tokens but they stop working until it is enabled again (and it
 * cannot authorise anyone meanwhile). Delete revokes every token it issued, for good.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ImanageManifest } from '../../../contracts/src/imanage-manifest.ts';
import type { EmulatorContext } from '../context.ts';
import type { Application } from '../model.ts';
import { EmulatorError, notFound } from '../store.ts';
import { readApplicationPackage } from './package.ts';

const invalid = (message: string) => new EmulatorError(400, 'InvalidParameter', message);

function blankApplication(ctx: EmulatorContext, clientId: string, name: string): Application {
  if (ctx.store.applications.has(clientId)) {
    throw new EmulatorError(
      409,
      'ClientIdNotUnique',
      `an application with client id "${clientId}" already exists`,
    );
  }
  return {
    client_id: clientId,
    client_secret: null,
    name,
    description: '',
    publisher: null,
    application_type: 'web',
    redirect_urls: [],
    allow_refresh_token: false,
    rotate_refresh_token: false,
    access_token_minutes: 30,
    refresh_token_days: 365,
    enabled: false,
    access: { mode: 'all', users: [] },
    setting_fields: [],
    settings: {},
    context_menu: [],
    package_files: [],
    created_at: ctx.clock.now(),
  };
}

export function findApplication(ctx: EmulatorContext, clientId: string): Application {
  const app = ctx.store.applications.get(clientId);
  if (!app) throw notFound(`Application ${clientId}`);
  return app;
}

export function addApplicationFromPackage(ctx: EmulatorContext, zip: Uint8Array): Application {
  const { manifest, files } = readApplicationPackage(zip);
  const app = applyManifest(
    blankApplication(ctx, manifest.client_id ?? randomUUID(), manifest.name),
    manifest,
  );
  app.package_files = files;
  ctx.store.applications.set(app.client_id, app);
  return app;
}

function applyManifest(app: Application, manifest: ImanageManifest): Application {
  return {
    ...app,
    name: manifest.name,
    description: manifest.description,
    publisher: manifest.publisher ?? null,
    application_type: manifest.application_type,
    redirect_urls: manifest.redirect_urls,
    allow_refresh_token: manifest.allow_refresh_token,
    rotate_refresh_token: manifest.rotate_refresh_token,
    access_token_minutes: manifest.access_token_minutes,
    refresh_token_days: manifest.refresh_token_days,
    setting_fields: manifest.settings,
    settings: Object.fromEntries(manifest.settings.map((field) => [field.key, field.default ?? ''])),
    context_menu: manifest.context_menu,
  };
}

const manualSchema = z.object({
  name: z.string().trim().min(1, 'Name is required'),
  description: z.string().default(''),
  client_id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'Client ID may use letters, digits, dots, dashes and underscores')
    .optional(),
});

export function addApplicationManually(ctx: EmulatorContext, input: unknown): Application {
  const fields = manualSchema.parse(input);
  const app = blankApplication(ctx, fields.client_id || randomUUID(), fields.name);
  app.description = fields.description;
  ctx.store.applications.set(app.client_id, app);
  return app;
}

const configurationSchema = z.object({
  name: z.string().trim().min(1, 'Name is required').optional(),
  description: z.string().optional(),
});

export function updateConfiguration(app: Application, input: unknown): void {
  const fields = configurationSchema.parse(input);
  if (fields.name !== undefined) app.name = fields.name;
  if (fields.description !== undefined) app.description = fields.description;
}

const authenticationSchema = z.object({
  application_type: z.enum(['web', 'native']),
  redirect_urls: z
    .array(z.url({ protocol: /^https?$/, error: 'Redirect URL must be an absolute http(s) URL' }))
    .min(1, 'At least one Redirect URL is required'),
  allow_refresh_token: z.boolean(),
  rotate_refresh_token: z.boolean().default(false),
  access_token_minutes: z.int('Access token idle minutes must be a whole number').min(1).max(1_000_000),
  refresh_token_days: z.int('Refresh token days must be a whole number').min(1).max(36_500),
});

export type AuthenticationInput = z.input<typeof authenticationSchema>;

export function updateAuthentication(app: Application, input: unknown): void {
  Object.assign(app, authenticationSchema.parse(input));
}

export function generateClientSecret(app: Application): string {
  app.client_secret = randomBytes(24).toString('base64url');
  return app.client_secret;
}

const accessSchema = z.object({ mode: z.enum(['all', 'users']), users: z.array(z.string()).default([]) });

export function updateAccess(ctx: EmulatorContext, app: Application, input: unknown): void {
  const access = accessSchema.parse(input);
  const unknown = access.users.filter((id) => !ctx.store.users.has(id));
  if (unknown.length > 0) throw invalid(`unknown users: ${unknown.join(', ')}`);
  if (access.mode === 'users' && access.users.length === 0)
    throw invalid('choose at least one user, or All users');
  app.access = { mode: access.mode, users: access.mode === 'users' ? access.users : [] };
}

export function updateSettings(app: Application, input: unknown): void {
  const values = z.record(z.string(), z.string()).parse(input);
  const known = new Set(app.setting_fields.map((field) => field.key));
  const unknown = Object.keys(values).filter((key) => !known.has(key));
  if (unknown.length > 0) throw invalid(`unknown settings: ${unknown.join(', ')}`);
  const next = { ...app.settings, ...values };
  for (const field of app.setting_fields) {
    const value = next[field.key]?.trim() ?? '';
    if (field.required && value === '') throw invalid(`${field.label} is required`);
    if (field.type === 'url' && value !== '' && !/^https?:\/\//.test(value))
      throw invalid(`${field.label} must be a URL`);
  }
  app.settings = next;
}

/** What still stops the application from being enabled (empty when it can be). */
export function enableBlockers(app: Application): string[] {
  const blockers: string[] = [];
  if (app.redirect_urls.length === 0) blockers.push('add a Redirect URL in the Authentication step');
  for (const field of app.setting_fields) {
    if (field.required && !(app.settings[field.key] ?? '').trim())
      blockers.push(`fill in the setting "${field.label}"`);
  }
  return blockers;
}

export function setEnabled(app: Application, enabled: boolean): void {
  const blockers = enabled ? enableBlockers(app) : [];
  if (blockers.length > 0) throw invalid(`cannot enable "${app.name}": ${blockers.join('; ')}`);
  app.enabled = enabled;
}

export function deleteApplication(ctx: EmulatorContext, clientId: string): void {
  findApplication(ctx, clientId);
  ctx.store.applications.delete(clientId);
  ctx.tokens.revokeApplication(clientId);
}

/** The JSON form of an application for the Control Center API (the emulator shows secrets to admins). */
export function applicationJson(app: Application): Record<string, unknown> {
  return { ...app, created_at: new Date(app.created_at).toISOString() };
}
