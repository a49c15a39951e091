/**
 * The forms of the Add Application wizard's steps (Configuration → Authentication → Access →
 * Settings → Review). Every control has a visible label and a stable id, because end-to-end tests
 * drive these pages by label.
 */
import { html, type SafeHtml } from '../html.ts';
import type { Application, EmulatorUser } from '../model.ts';

export const WIZARD_STEPS = ['configuration', 'authentication', 'access', 'settings', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const STEP_TITLES: Record<WizardStep, string> = {
  configuration: 'Configuration',
  authentication: 'Authentication',
  access: 'Access',
  settings: 'Settings',
  review: 'Review',
};

export function configurationFields(app: Application): SafeHtml {
  return html`
  <label for="name">Name</label><input type="text" id="name" name="name" value="${app.name}" required>
  <label for="description">Description</label><textarea id="description" name="description" rows="3">${app.description}</textarea>
  <label for="client-id">Client ID</label><input type="text" id="client-id" value="${app.client_id}" readonly>
  ${app.publisher ? html`<p>Publisher: ${app.publisher}</p>` : ''}
  ${app.package_files.length > 0 ? html`<p>Package files: ${app.package_files.length}</p>` : ''}`;
}

export interface AuthenticationValues {
  application_type: string;
  redirect_urls: string;
  allow_refresh_token: boolean;
  rotate_refresh_token: boolean;
  access_token_minutes: string;
  refresh_token_days: string;
}

export function authenticationValuesOf(app: Application): AuthenticationValues {
  return {
    application_type: app.application_type,
    redirect_urls: app.redirect_urls.join('\n'),
    allow_refresh_token: app.allow_refresh_token,
    rotate_refresh_token: app.rotate_refresh_token,
    access_token_minutes: String(app.access_token_minutes),
    refresh_token_days: String(app.refresh_token_days),
  };
}

export function authenticationFields(app: Application, values: AuthenticationValues): SafeHtml {
  const option = (value: string, label: string) =>
    html`<option value="${value}"${values.application_type === value ? html` selected` : ''}>${label}</option>`;
  const checkbox = (id: string, name: string, label: string, checked: boolean) =>
    html`<p class="check"><input type="checkbox" id="${id}" name="${name}" value="on"${checked ? html` checked` : ''}>
      <label for="${id}">${label}</label></p>`;
  return html`
  <label for="application-type">Application Type</label>
  <select id="application-type" name="application_type">${option('web', 'Web')}${option('native', 'Native')}</select>
  <label for="redirect-urls">Redirect URL</label>
  <textarea id="redirect-urls" name="redirect_urls" rows="3" aria-describedby="redirect-help">${values.redirect_urls}</textarea>
  <div class="help" id="redirect-help">One URL per line; sign-in returns only to these exact addresses.</div>
  <label for="client-secret">Client Secret</label>
  <output id="client-secret" aria-live="polite">${app.client_secret ?? 'Not generated'}</output>
  <button type="submit" name="action" value="generate_secret">Generate client secret</button>
  ${checkbox('allow-refresh-token', 'allow_refresh_token', 'Allow refresh token', values.allow_refresh_token)}
  <label for="access-token-minutes">Access token idle minutes</label>
  <input type="number" id="access-token-minutes" name="access_token_minutes" min="1" value="${values.access_token_minutes}">
  <label for="refresh-token-days">Refresh token days</label>
  <input type="number" id="refresh-token-days" name="refresh_token_days" min="1" value="${values.refresh_token_days}">
  ${checkbox('rotate-refresh-token', 'rotate_refresh_token', 'Rotate refresh tokens', values.rotate_refresh_token)}`;
}

export function accessFields(app: Application, users: EmulatorUser[]): SafeHtml {
  const radio = (value: 'all' | 'users', id: string, label: string) =>
    html`<p class="check"><input type="radio" id="${id}" name="mode" value="${value}"${app.access.mode === value ? html` checked` : ''}>
      <label for="${id}">${label}</label></p>`;
  return html`<fieldset><legend>Who may use this application</legend>
    ${radio('all', 'access-all', 'All users')}${radio('users', 'access-users', 'Chosen users')}
    <fieldset><legend>Chosen users</legend>${users.map(
      (user) =>
        html`<p class="check"><input type="checkbox" id="user-${user.id}" name="users" value="${user.id}"${
          app.access.users.includes(user.id) ? html` checked` : ''
        }> <label for="user-${user.id}">${user.name} (${user.id})</label></p>`,
    )}</fieldset></fieldset>`;
}

export function settingsFields(app: Application): SafeHtml {
  if (app.setting_fields.length === 0) return html`<p>This application declares no settings.</p>`;
  return html`${app.setting_fields.map(
    (
      field,
    ) => html`<label for="setting-${field.key}">${field.label}${field.required ? ' (required)' : ''}</label>
      <input type="${field.type === 'url' ? 'url' : 'text'}" id="setting-${field.key}" name="setting_${field.key}"
        value="${app.settings[field.key] ?? ''}"${field.help ? html` aria-describedby="setting-${field.key}-help"` : ''}>
      ${field.help ? html`<div class="help" id="setting-${field.key}-help">${field.help}</div>` : ''}`,
  )}`;
}

export function reviewFields(app: Application): SafeHtml {
  const access = app.access.mode === 'all' ? 'All users' : `Chosen users: ${app.access.users.join(', ')}`;
  return html`<dl>
    <dt>Name</dt><dd>${app.name}</dd>
    <dt>Client ID</dt><dd>${app.client_id}</dd>
    <dt>Application Type</dt><dd>${app.application_type === 'web' ? 'Web' : 'Native'}</dd>
    <dt>Redirect URLs</dt><dd>${app.redirect_urls.join(', ') || 'None'}</dd>
    <dt>Client Secret</dt><dd>${app.client_secret ? 'Generated' : 'None'}</dd>
    <dt>Refresh tokens</dt><dd>${app.allow_refresh_token ? `Allowed, ${app.refresh_token_days} days${app.rotate_refresh_token ? ', rotated' : ''}` : 'Not allowed'}</dd>
    <dt>Access token idle minutes</dt><dd>${app.access_token_minutes}</dd>
    <dt>Access</dt><dd>${access}</dd>
    <dt>Context menu commands</dt><dd>${app.context_menu.map((c) => c.label).join(', ') || 'None'}</dd>
  </dl>
  <p class="check"><input type="checkbox" id="enable-application" name="enabled" value="on"${app.enabled ? html` checked` : ''}>
    <label for="enable-application">Enable Application</label></p>`;
}
