/** GET /__emulator: an HTML page showing users, apps, sites with their libraries and files, teams and faults. */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { html, page } from '../html.ts';
import { checkAdmin } from './guard.ts';
import { summary } from './summary.ts';

function render(ctx: EmulatorContext) {
  const state = summary(ctx);
  const users = html`<h2>Users</h2><table><tr><th>Sign-in name</th><th>Password</th><th>Name</th><th>Id</th></tr>
${state.users.map((user) => html`<tr><td>${user.userPrincipalName}</td><td><code>${user.password}</code></td><td>${user.displayName} (${user.jobTitle})</td><td><code>${user.id}</code></td></tr>`)}</table>`;
  const apps = html`<h2>App registrations</h2>${state.apps.map(
    (
      app,
    ) => html`<table><tr><th>${app.displayName}</th><td>client id <code>${app.clientId}</code>, tenant <code>${app.tenantId}</code></td></tr>
<tr><th>Redirect URIs</th><td>${app.redirectUris.join(', ')}</td></tr>
<tr><th>Secrets</th><td>${app.secrets.map((secret) => html`<div>${secret.displayName}: ID <code>${secret.keyId}</code>, value <code>${secret.value}</code>${secret.expired ? ' (expired)' : ''}</div>`)}</td></tr>
<tr><th>Delegated permissions (admin consent)</th><td>${app.grantedScopes.join(', ')}</td></tr>
<tr><th>Assignment required</th><td>${app.assignmentRequired ? `yes: ${app.assignedUsers.join(', ')}` : 'no'}</td></tr></table>`,
  )}`;
  const sites = html`<h2>Sites and libraries</h2>${state.sites.map(
    (site) => html`<h3>${site.displayName}</h3><p><code>${site.id}</code> — ${site.webUrl}<br>
Roles: ${Object.entries(site.roles)
      .map(([who, role]) => `${who}: ${role}`)
      .join(', ')}${site.followers.length ? html`<br>Followed by: ${site.followers.join(', ')}` : ''}</p>
${site.drives.map(
  (
    drive,
  ) => html`<table><tr><th colspan="4">${drive.name} (${drive.driveType}) <code>${drive.id}</code>${drive.columns.length ? html` — columns: ${drive.columns.join(', ')}` : ''}</th></tr>
${drive.items.map((item) => html`<tr><td>${item.kind === 'folder' ? '📁' : ''} ${item.path}</td><td>${item.kind === 'file' ? `${item.size} bytes, ${item.versions} version(s)` : ''}</td><td><code>${item.quickXorHash ?? ''}</code></td><td><code>${item.id}</code></td></tr>`)}</table>`,
)}`,
  )}`;
  const teams = html`<h2>Teams</h2>${state.teams.map(
    (
      team,
    ) => html`<p><strong>${team.displayName}</strong> <code>${team.id}</code> — members: ${team.members.join(', ')}<br>
Channels: ${team.channels.map((channel) => `${channel.displayName} (${channel.id})`).join(', ')}</p>`,
  )}`;
  const faults = html`<h2>Faults and counters</h2><pre>${JSON.stringify(state.faults, null, 2)}</pre>
<p>Live tokens: ${state.tokens.access} access, ${state.tokens.refresh} refresh. Upload sessions: ${state.uploadSessions}.
Requests to pre-authenticated URLs that carried a bearer token: ${state.bearerOnPreauthenticated}.</p>`;
  const intro = html`<h1>What is inside</h1><p>Sign-in: <code>${state.urls.login}/{tenant}/oauth2/v2.0/authorize</code>;
Graph: <code>${state.urls.graph}/v1.0</code>; content host: <code>${state.urls.content}</code>. Clock: ${state.now}.</p>`;
  return page('Graph emulator', html`${intro}${users}${apps}${sites}${teams}${faults}`);
}

export function registerAdminPage(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/__emulator', async (request, reply) => {
    checkAdmin(ctx, request);
    return reply.type('text/html').send(render(ctx));
  });
  app.get('/', async (_request, reply) => reply.redirect('/__emulator', 302));
}
