/**
 * Control Center's server-rendered pages: the Applications list (Enable / Disable / Delete) and the
 * Add Application wizard. Each form posts back to the page it came from; on success the browser is
 * sent on (POST-redirect-GET), on a validation error the same page is shown with the message.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { html, page, type SafeHtml } from '../html.ts';
import type { Application, EmulatorUser } from '../model.ts';
import { EmulatorError } from '../store.ts';
import { checkAdmin } from './admin-guard.ts';
import { packageBytes } from './api.ts';
import {
  addApplicationFromPackage,
  addApplicationManually,
  deleteApplication,
  findApplication,
  generateClientSecret,
  setEnabled,
  updateAccess,
  updateAuthentication,
  updateConfiguration,
  updateSettings,
} from './applications.ts';
import {
  accessFields,
  authenticationFields,
  authenticationValuesOf,
  configurationFields,
  reviewFields,
  STEP_TITLES,
  settingsFields,
  WIZARD_STEPS,
  type WizardStep,
} from './wizard-steps.ts';

type Form = Record<string, string | string[] | undefined>;

function errorMessage(error: unknown): string {
  if (error instanceof ZodError) return error.issues.map((issue) => issue.message).join('; ');
  if (error instanceof EmulatorError) return error.message;
  throw error;
}

const nav = html` <a href="/cc">Applications</a> <a href="/work/web">Work</a>`;

function ccPage(reply: FastifyReply, user: EmulatorUser, title: string, body: SafeHtml, status = 200) {
  return reply
    .code(status)
    .type('text/html')
    .send(page(`${title} – Control Center`, body, { user: user.name, nav }));
}

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export function registerControlCenterPages(app: FastifyInstance, ctx: EmulatorContext): void {
  /** The signed-in administrator, or undefined after answering (sign-in redirect or 403 page). */
  function admin(request: FastifyRequest, reply: FastifyReply): EmulatorUser | undefined {
    const check = checkAdmin(ctx, request);
    if (check.ok) return check.user;
    if (check.reason === 'signed_out') {
      reply.redirect(`/auth/sign-in?return_to=${encodeURIComponent(request.url)}`, 303);
    } else {
      const body = html`<h1>Control Center</h1><p class="error" role="alert">Only administrators may use Control Center.</p>`;
      reply
        .code(403)
        .type('text/html')
        .send(page('Control Center', body, { user: check.user?.name ?? '' }));
    }
    return undefined;
  }

  function listPage(reply: FastifyReply, user: EmulatorUser, notice?: string, error?: string, status = 200) {
    const apps = [...ctx.store.applications.values()];
    const rows = apps.map(
      (a) => html`<tr>
        <th scope="row"><a href="/cc/applications/${encodeURIComponent(a.client_id)}/configuration">${a.name}</a></th>
        <td>${a.client_id}</td><td>${a.application_type === 'web' ? 'Web' : 'Native'}</td>
        <td>${a.enabled ? 'Enabled' : 'Disabled'}</td><td>${a.context_menu.length > 0 ? 'Work Web' : ''}</td>
        <td><form method="post" action="/cc/applications/${encodeURIComponent(a.client_id)}/${a.enabled ? 'disable' : 'enable'}" style="display:inline">
          <button type="submit">${a.enabled ? 'Disable' : 'Enable'}</button></form>
        <form method="post" action="/cc/applications/${encodeURIComponent(a.client_id)}/delete" style="display:inline">
          <button type="submit">Delete</button></form></td></tr>`,
    );
    const body = html`<h1>Applications</h1>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="get" action="/cc/applications/new"><button type="submit" class="primary">Add Application</button></form>
      <table aria-label="Applications"><thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Type</th>
      <th scope="col">Status</th><th scope="col">Extends iManage Product</th><th scope="col">Actions</th></tr></thead>
      <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="6">No applications yet.</td></tr>`}</tbody></table>`;
    return ccPage(reply, user, 'Applications', body, status);
  }

  function newPage(reply: FastifyReply, user: EmulatorUser, error?: string) {
    const body = html`<h1>Add Application</h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <h2>Upload Package</h2>
      <form method="post" action="/cc/applications/upload" enctype="multipart/form-data">
        <label for="package">Upload Package</label>
        <input type="file" id="package" name="package" accept=".zip,application/zip" required>
        <p class="help">A ZIP file containing manifest.yaml (see docs/imanage-extension-manifest.md).</p>
        <button type="submit" class="primary">Upload</button>
      </form>
      <h2>Add manually</h2>
      <form method="post" action="/cc/applications/manual">
        <label for="manual-name">Application name</label><input type="text" id="manual-name" name="name" required>
        <label for="manual-client-id">Client ID (optional)</label><input type="text" id="manual-client-id" name="client_id">
        <p><button type="submit">Create</button></p>
      </form>`;
    return ccPage(reply, user, 'Add Application', body, error ? 400 : 200);
  }

  function wizardPage(
    reply: FastifyReply,
    user: EmulatorUser,
    a: Application,
    step: WizardStep,
    fields: SafeHtml,
    error?: string,
  ) {
    const id = encodeURIComponent(a.client_id);
    const index = WIZARD_STEPS.indexOf(step);
    const previous = WIZARD_STEPS[index - 1];
    const body = html`<p><a href="/cc">Applications</a> › ${a.name}</p>
      <ol class="steps" aria-label="Steps">${WIZARD_STEPS.map(
        (s) =>
          html`<li aria-current="${s === step ? 'step' : 'false'}"><a href="/cc/applications/${id}/${s}">${STEP_TITLES[s]}</a></li>`,
      )}</ol>
      <h1>${STEP_TITLES[step]}</h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="post" action="/cc/applications/${id}/${step}" id="wizard-form">${fields}
        <p>${previous ? html`<a class="button" href="/cc/applications/${id}/${previous}">Back</a> ` : ''}
        <button type="submit" class="primary" name="action" value="next">${step === 'review' ? 'Finish' : 'Next'}</button></p>
      </form>`;
    return ccPage(reply, user, `${STEP_TITLES[step]} – ${a.name}`, body, error ? 400 : 200);
  }

  function stepFields(a: Application, step: WizardStep): SafeHtml {
    switch (step) {
      case 'configuration':
        return configurationFields(a);
      case 'authentication':
        return authenticationFields(a, authenticationValuesOf(a));
      case 'access':
        return accessFields(a, [...ctx.store.users.values()]);
      case 'settings':
        return settingsFields(a);
      case 'review':
        return reviewFields(a);
    }
  }

  /** Applies one step's form; throws (ZodError or EmulatorError) when the input is rejected. */
  function saveStep(a: Application, step: WizardStep, form: Form): void {
    switch (step) {
      case 'configuration':
        updateConfiguration(a, { name: first(form.name), description: first(form.description) });
        return;
      case 'authentication': {
        if (first(form.action) === 'generate_secret') generateClientSecret(a);
        updateAuthentication(a, {
          application_type: first(form.application_type),
          redirect_urls: first(form.redirect_urls).split(/\s+/).filter(Boolean),
          allow_refresh_token: first(form.allow_refresh_token) === 'on',
          rotate_refresh_token: first(form.rotate_refresh_token) === 'on',
          access_token_minutes: Number(first(form.access_token_minutes)),
          refresh_token_days: Number(first(form.refresh_token_days)),
        });
        return;
      }
      case 'access': {
        const users = form.users === undefined ? [] : Array.isArray(form.users) ? form.users : [form.users];
        updateAccess(ctx, a, { mode: first(form.mode) || 'all', users });
        return;
      }
      case 'settings': {
        const values = Object.fromEntries(
          a.setting_fields.map((field) => [field.key, first(form[`setting_${field.key}`])]),
        );
        updateSettings(a, values);
        return;
      }
      case 'review':
        setEnabled(a, first(form.enabled) === 'on');
    }
  }

  app.get('/cc', async (request, reply) => {
    const user = admin(request, reply);
    if (!user) return reply;
    return listPage(reply, user, (request.query as { notice?: string }).notice);
  });

  app.get('/cc/applications/new', async (request, reply) => {
    const user = admin(request, reply);
    return user ? newPage(reply, user) : reply;
  });

  for (const [path, create] of [
    [
      '/cc/applications/upload',
      async (request: FastifyRequest) => addApplicationFromPackage(ctx, await packageBytes(request)),
    ],
    ['/cc/applications/manual', async (request: FastifyRequest) => addApplicationManually(ctx, request.body)],
  ] as const) {
    app.post(path, async (request, reply) => {
      const user = admin(request, reply);
      if (!user) return reply;
      try {
        const created = await create(request);
        return reply.redirect(`/cc/applications/${encodeURIComponent(created.client_id)}/configuration`, 303);
      } catch (error) {
        return newPage(reply, user, errorMessage(error));
      }
    });
  }

  app.get<{ Params: { id: string; step: string } }>('/cc/applications/:id/:step', async (request, reply) => {
    const user = admin(request, reply);
    if (!user) return reply;
    const step = request.params.step as WizardStep;
    if (!WIZARD_STEPS.includes(step)) return reply.callNotFound();
    const a = findApplication(ctx, request.params.id);
    return wizardPage(reply, user, a, step, stepFields(a, step));
  });

  app.post<{ Params: { id: string; step: string } }>('/cc/applications/:id/:step', async (request, reply) => {
    const user = admin(request, reply);
    if (!user) return reply;
    const { id, step } = request.params;
    if (step === 'enable' || step === 'disable' || step === 'delete') {
      try {
        if (step === 'delete') deleteApplication(ctx, id);
        else setEnabled(findApplication(ctx, id), step === 'enable');
      } catch (error) {
        return listPage(reply, user, undefined, errorMessage(error), 400);
      }
      const done = step === 'delete' ? 'deleted' : `${step}d`;
      return reply.redirect(`/cc?notice=${encodeURIComponent(`Application ${done}.`)}`, 303);
    }
    if (!WIZARD_STEPS.includes(step as WizardStep)) return reply.callNotFound();
    const wizardStep = step as WizardStep;
    const a = findApplication(ctx, id);
    const form = (request.body ?? {}) as Form;
    try {
      saveStep(a, wizardStep, form);
    } catch (error) {
      const message = errorMessage(error);
      const fields =
        wizardStep === 'authentication'
          ? authenticationFields(a, {
              application_type: first(form.application_type),
              redirect_urls: first(form.redirect_urls),
              allow_refresh_token: first(form.allow_refresh_token) === 'on',
              rotate_refresh_token: first(form.rotate_refresh_token) === 'on',
              access_token_minutes: first(form.access_token_minutes),
              refresh_token_days: first(form.refresh_token_days),
            })
          : stepFields(a, wizardStep);
      return wizardPage(reply, user, a, wizardStep, fields, message);
    }
    if (wizardStep === 'authentication' && first(form.action) === 'generate_secret') {
      return reply.redirect(`/cc/applications/${encodeURIComponent(a.client_id)}/authentication`, 303);
    }
    if (wizardStep === 'review') {
      return reply.redirect(
        `/cc?notice=${encodeURIComponent(`${a.name} saved${a.enabled ? ' and enabled' : ''}.`)}`,
        303,
      );
    }
    const next = WIZARD_STEPS[WIZARD_STEPS.indexOf(wizardStep) + 1] as WizardStep;
    return reply.redirect(`/cc/applications/${encodeURIComponent(a.client_id)}/${next}`, 303);
  });
}
