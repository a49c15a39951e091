import { runIdParamsSchema } from '@lexbridge/contracts';
import { and, desc, eq } from 'drizzle-orm';
import { ContentError } from '../../connectors/content.ts';
import { AppError } from '../../errors.ts';
import { defineRoute } from '../../http/route.ts';
import { runItems, workflows } from '../../store/schema.ts';
import { openContentStore } from '../content-stores.ts';
import { loadRunFor } from '../model.ts';

/**
 * GET /api/workflow-runs/{runId}/manifest: the archive manifest a run stored in its target, read from
 * there with the requesting person's own connection (so their rights on the target apply). Only
 * someone who may see the run gets it (its owner, Admins, Connector Admins); anyone else gets the
 * same 404 as for a run that does not exist.
 */
export const manifestRoute = defineRoute({
  method: 'GET',
  url: '/api/workflow-runs/:runId/manifest',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary: "An archive run's manifest (CSV: source path, size, sha256, target id and version, time)",
  tags: ['workflows'],
  schema: { params: runIdParamsSchema },
  async handler(request, reply, lexbridge) {
    const { db } = lexbridge.store;
    const run = await loadRunFor(db, request.user, request.params.runId);
    const [stored] = await db
      .select()
      .from(runItems)
      .where(and(eq(runItems.runId, run.id), eq(runItems.action, 'manifest'), eq(runItems.outcome, 'done')))
      .orderBy(desc(runItems.id))
      .limit(1);
    const [workflow] = await db.select().from(workflows).where(eq(workflows.id, run.workflowId));
    if (!stored?.targetId || !workflow?.targetConnectorId)
      throw new AppError('workflow_archive_manifest_not_found');
    let bytes: Buffer;
    try {
      const target = await openContentStore(lexbridge, {
        connectorId: workflow.targetConnectorId,
        userId: request.user.id,
      });
      const { stream } = await target.openRead(await target.getItem(stored.targetId));
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(Buffer.from(chunk));
      bytes = Buffer.concat(chunks);
    } catch (err) {
      if (!(err instanceof ContentError)) throw err;
      throw new AppError(
        'workflow_archive_manifest_not_found',
        `The manifest could not be read from the target: ${err.message} Open it there (it is named "${stored.targetPath ?? stored.targetId}"), or authorise the target's connector and try again.`,
      );
    }
    const name = stored.targetPath ?? 'Archive manifest.csv';
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      )
      .header('cache-control', 'no-store')
      .send(bytes);
  },
});
