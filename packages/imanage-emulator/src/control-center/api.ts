/** The JSON API behind Control Center's Applications pages: /cc/api/… */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { EmulatorError } from '../store.ts';
import { checkAdmin } from './admin-guard.ts';
import {
  addApplicationFromPackage,
  addApplicationManually,
  applicationJson,
  deleteApplication,
  findApplication,
  generateClientSecret,
  setEnabled,
  updateAccess,
  updateAuthentication,
  updateConfiguration,
  updateSettings,
} from './applications.ts';
import { MAX_PACKAGE_BYTES } from './package.ts';

type IdParams = { Params: { id: string } };

/** A package arrives as a raw application/zip body or as the `package` part of a multipart form. */
export async function packageBytes(request: FastifyRequest): Promise<Uint8Array> {
  if (request.isMultipart()) {
    const file = await request.file({ limits: { fileSize: MAX_PACKAGE_BYTES } });
    if (file?.fieldname !== 'package')
      throw new EmulatorError(400, 'InvalidPackage', 'attach the ZIP as "package"');
    const bytes = await file.toBuffer();
    if (file.file.truncated) throw new EmulatorError(413, 'PackageTooLarge', 'the package is too large');
    return bytes;
  }
  if (!Buffer.isBuffer(request.body))
    throw new EmulatorError(400, 'InvalidPackage', 'send the ZIP as application/zip');
  return request.body;
}

export function registerControlCenterApi(app: FastifyInstance, ctx: EmulatorContext): void {
  app.register(
    async (api) => {
      api.addContentTypeParser(
        ['application/zip', 'application/octet-stream'],
        { parseAs: 'buffer', bodyLimit: MAX_PACKAGE_BYTES },
        (_request, body, done) => done(null, body),
      );
      api.addHook('onRequest', async (request) => {
        const check = checkAdmin(ctx, request);
        if (!check.ok && check.reason === 'signed_out') {
          throw new EmulatorError(401, 'Unauthorized', 'sign in as a Control Center administrator');
        }
        if (!check.ok) throw new EmulatorError(403, 'AccessDenied', 'Control Center is for administrators');
      });

      api.get('/applications', async () => ({
        data: [...ctx.store.applications.values()].map(applicationJson),
      }));
      api.get('/users', async () => ({
        data: [...ctx.store.users.values()].map(({ id, name, email, user_type }) => ({
          id,
          name,
          email,
          user_type,
        })),
      }));
      api.post('/applications', async (request, reply) =>
        reply.code(201).send({ data: applicationJson(addApplicationManually(ctx, request.body)) }),
      );
      api.post('/applications/package', async (request, reply) => {
        const created = addApplicationFromPackage(ctx, await packageBytes(request));
        return reply.code(201).send({ data: applicationJson(created) });
      });
      api.get<IdParams>('/applications/:id', async (request) => ({
        data: applicationJson(findApplication(ctx, request.params.id)),
      }));
      api.patch<IdParams>('/applications/:id/configuration', async (request) => {
        const application = findApplication(ctx, request.params.id);
        updateConfiguration(application, request.body);
        return { data: applicationJson(application) };
      });
      api.put<IdParams>('/applications/:id/authentication', async (request) => {
        const application = findApplication(ctx, request.params.id);
        updateAuthentication(application, request.body);
        return { data: applicationJson(application) };
      });
      api.post<IdParams>('/applications/:id/client-secret', async (request) => ({
        data: { client_secret: generateClientSecret(findApplication(ctx, request.params.id)) },
      }));
      api.put<IdParams>('/applications/:id/access', async (request) => {
        const application = findApplication(ctx, request.params.id);
        updateAccess(ctx, application, request.body);
        return { data: applicationJson(application) };
      });
      api.put<IdParams>('/applications/:id/settings', async (request) => {
        const application = findApplication(ctx, request.params.id);
        updateSettings(application, request.body);
        return { data: applicationJson(application) };
      });
      for (const [action, enabled] of [
        ['enable', true],
        ['disable', false],
      ] as const) {
        api.post<IdParams>(`/applications/:id/${action}`, async (request) => {
          const application = findApplication(ctx, request.params.id);
          setEnabled(application, enabled);
          return { data: applicationJson(application) };
        });
      }
      api.delete<IdParams>('/applications/:id', async (request, reply) => {
        deleteApplication(ctx, request.params.id);
        return reply.code(204).send();
      });
    },
    { prefix: '/cc/api' },
  );
}
