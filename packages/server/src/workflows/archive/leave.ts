import { Readable } from 'node:stream';
import type { ContentStore, ReadOnlyOutcome } from '../../connectors/content.ts';
import { describeFailure, type PlanRecorder } from '../executor.ts';

/**
 * An archive that leaves its source: the link file to the archive goes into the source folder, then
 * the source is made read-only where its store can (`restrictToRead`: SharePoint's permissions API).
 * The link file is written first, while Lexbridge's user may still write there. Each step is a run
 * item; in a dry run both are planned and nothing changes.
 */
export interface LeaveInput {
  source: ContentStore;
  sourceRootId: string;
  linkFileName: string;
  /** Where the archive opens (the link file's URL). */
  url: string | null;
  runId: string;
  recorder: PlanRecorder;
}

export async function leaveSource(input: LeaveInput, dryRun: boolean): Promise<void> {
  const { source, recorder } = input;
  const link = { action: 'link_file', kind: 'document', sourcePath: input.linkFileName } as const;
  const readOnly = { action: 'read_only', kind: 'folder', sourcePath: '' } as const;
  if (dryRun) {
    recorder.record({ ...link, outcome: 'planned', targetPath: input.url }, null);
    if (source.restrictToRead) recorder.record({ ...readOnly, outcome: 'planned' }, null);
    else recordUnchanged(recorder);
    return;
  }
  try {
    const bytes = Buffer.from(`[InternetShortcut]\r\nURL=${input.url ?? ''}\r\n`, 'utf8');
    const existing = await source.findChild(input.sourceRootId, input.linkFileName);
    await source.writeDocument(input.sourceRootId, input.linkFileName, Readable.from([bytes]), {
      existingId: existing?.id,
      size: bytes.length,
      temporaryTag: input.runId,
    });
    recorder.record({ ...link, outcome: 'done', targetPath: input.url }, null);
  } catch (err) {
    recorder.record({ ...link, outcome: 'failed', ...describeFailure(err) }, 'failed');
    return;
  }
  if (!source.restrictToRead) return recordUnchanged(recorder);
  try {
    const outcome = await source.restrictToRead(input.sourceRootId);
    if (outcome.left.length === 0) recorder.record({ ...readOnly, outcome: 'done' }, null);
    else
      recorder.record(
        {
          ...readOnly,
          outcome: 'skipped',
          errorCode: 'workflow_archive_permissions_left',
          error: leftWords(outcome),
        },
        'skipped',
      );
  } catch (err) {
    recorder.record({ ...readOnly, outcome: 'failed', ...describeFailure(err) }, 'failed');
  }
}

function leftWords(outcome: ReadOnlyOutcome): string {
  const did = `Lexbridge made ${outcome.madeReadOnly} permission(s) read-only and removed ${outcome.linksRemoved} edit link(s).`;
  return `${did} These can still change the source, and SharePoint does not let Lexbridge change them: ${outcome.left.join('; ')}. A site owner can stop the folder inheriting the site's permissions in SharePoint (Manage access) and remove them there.`;
}

function recordUnchanged(recorder: PlanRecorder) {
  recorder.record(
    {
      action: 'skip',
      kind: 'folder',
      outcome: 'skipped',
      sourcePath: '',
      errorCode: 'workflow_archive_permissions_unchanged',
      error:
        'The source was left as it is: its connector offers Lexbridge no way to change permissions, so people can still change it. The link file points to the archive.',
    },
    'skipped',
  );
}
