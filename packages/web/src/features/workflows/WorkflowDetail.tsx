import {
  Button,
  Link as FluentLink,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowLeftRegular,
  DeleteRegular,
  EditRegular,
  EyeRegular,
  PauseRegular,
  PlayRegular,
} from '@fluentui/react-icons';
import { isOngoing, type Workflow, type WorkflowRun } from '@lexbridge/contracts';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import {
  isActiveRun,
  runKey,
  useRunNow,
  useUpdateWorkflow,
  useWorkflow,
  useWorkflowRuns,
  workflowStatusLabel,
} from './api.ts';
import { workflowTypeLabels } from './labels.ts';
import { RunTable } from './RunHistory.tsx';
import { DeleteWorkflowDialog, EditWorkflowDialog } from './WorkflowDialogs.tsx';
import { locationText } from './WorkflowList.tsx';
import { LiveRunCard, WorkflowSettingsList } from './WorkflowPanels.tsx';

const useStyles = makeStyles({
  back: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    marginBottom: tokens.spacingVerticalM,
  },
  actions: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    marginBottom: tokens.spacingVerticalL,
  },
  section: { marginBottom: tokens.spacingVerticalXXL },
  sectionTitle: { margin: `0 0 ${tokens.spacingVerticalS}` },
  banner: { marginBottom: tokens.spacingVerticalL },
});

export function WorkflowDetailPage() {
  const { workflowId = '' } = useParams();
  const workflow = useWorkflow(workflowId);
  const styles = useStyles();
  return (
    <>
      <FluentLink as="span" className={styles.back}>
        <ArrowLeftRegular />
        <Link to="/workflows">All workflows</Link>
      </FluentLink>
      {workflow.isPending ? (
        <>
          <PageHeading>Workflow</PageHeading>
          <LoadingRows label="Loading the workflow" rows={4} height={48} />
        </>
      ) : workflow.isError ? (
        <>
          <PageHeading>Workflow</PageHeading>
          <ErrorBlock
            title="The workflow could not be loaded"
            error={workflow.error}
            onRetry={() => void workflow.refetch()}
          />
        </>
      ) : (
        <WorkflowDetail workflow={workflow.data} />
      )}
    </>
  );
}

function WorkflowDetail({ workflow }: { workflow: Workflow }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const runs = useWorkflowRuns(workflow.id);
  const runNow = useRunNow(workflow.id);
  const update = useUpdateWorkflow(workflow.id);
  const [dialog, setDialog] = useState<{ kind: 'edit' | 'delete'; open: boolean; seq: number } | null>(null);
  // ?follow=<runId>: the run the wizard started (or the dry run it asked for) shows until another starts.
  const [searchParams] = useSearchParams();
  const [followRunId, setFollowRunId] = useState<string | null>(searchParams.get('follow'));
  const paused = workflow.status === 'paused';
  // The run history is fresher than the workflow's "last run" (it refreshes while a run is going), so it
  // decides once loaded; a run that ended before any page saw it running must not leave Run now disabled.
  const activeRun = runs.data
    ? (runs.data.find(isActiveRun) ?? null)
    : isActiveRun(workflow.lastRun)
      ? workflow.lastRun
      : null;
  // After a reload the latest run stays on show (it used to disappear once finished).
  const shownRunId = followRunId ?? activeRun?.id ?? runs.data?.[0]?.id ?? workflow.lastRun?.id ?? null;
  // The history row of the run on show follows its live progress (it said "Waiting to start 0 0 0"
  // while the card said "Running 9 of 42").
  const live = useQuery<WorkflowRun>({ queryKey: runKey(shownRunId ?? ''), enabled: false });
  const history = runs.data && withLiveRun(runs.data, live.data, workflow.id);
  // Run now follows the same live view as the history, so it is enabled the moment the row says finished.
  const busy = runNow.isPending || (history ? history.some(isActiveRun) : activeRun !== null);
  const open = (kind: 'edit' | 'delete') => setDialog((d) => ({ kind, open: true, seq: (d?.seq ?? 0) + 1 }));
  const close = () => setDialog((d) => d && { ...d, open: false });
  const start = (dryRun: boolean) => runNow.mutate(dryRun, { onSuccess: (run) => setFollowRunId(run.id) });

  return (
    <>
      <PageHeading
        intro={`${workflowTypeLabels[workflow.type]} from ${locationText(workflow.source)} to ${locationText(workflow.target)}`}
      >
        {workflow.name}
      </PageHeading>
      {paused && (
        <MessageBar intent="warning" layout="multiline" className={styles.banner}>
          <MessageBarBody>
            <MessageBarTitle>{workflowStatusLabel(workflow)}</MessageBarTitle>
            {workflow.pauseReason === 'reauthorise' ? (
              <>
                A connection this workflow uses has expired. Re-authorise it on the{' '}
                <FluentLink as="span" inline>
                  <Link to="/connectors">Connectors page</Link>
                </FluentLink>
                ; the workflow then resumes.
              </>
            ) : (
              'No runs start while the workflow is paused. Choose Resume to start them again.'
            )}
          </MessageBarBody>
        </MessageBar>
      )}
      {awaitsConfirmation(workflow) && (
        <MessageBar intent="info" layout="multiline" className={styles.banner}>
          <MessageBarBody>
            <MessageBarTitle>Waiting for you to start it</MessageBarTitle>
            This sync has not copied anything yet and does not run by itself until you choose Run now. Look at
            the dry run first if you like; from the first run on it checks for changes every{' '}
            {workflow.intervalMinutes} minute{workflow.intervalMinutes === 1 ? '' : 's'}.
          </MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.actions}>
        <Button
          appearance="primary"
          icon={<PlayRegular />}
          disabled={paused || busy}
          onClick={() => start(false)}
        >
          Run now
        </Button>
        <Button icon={<EyeRegular />} disabled={paused || busy} onClick={() => start(true)}>
          Preview (dry run)
        </Button>
        {(paused || isOngoing(workflow.type)) && (
          <Button
            icon={paused ? <PlayRegular /> : <PauseRegular />}
            disabled={update.isPending}
            onClick={() => update.mutate({ status: paused ? 'active' : 'paused' })}
          >
            {paused ? 'Resume' : 'Pause'}
          </Button>
        )}
        <Button icon={<EditRegular />} onClick={() => open('edit')}>
          Edit
        </Button>
        <Button icon={<DeleteRegular />} onClick={() => open('delete')}>
          Delete
        </Button>
      </div>
      {(runNow.isError || update.isError) && (
        <MessageBar intent="error" layout="multiline" className={styles.banner}>
          <MessageBarBody>{errorMessage(runNow.error ?? update.error)}</MessageBarBody>
        </MessageBar>
      )}
      {shownRunId && <LiveRunCard runId={shownRunId} workflowId={workflow.id} />}

      <section aria-labelledby="wf-settings" className={styles.section}>
        <Subtitle2 as="h2" id="wf-settings" className={styles.sectionTitle} block>
          Settings
        </Subtitle2>
        <WorkflowSettingsList workflow={workflow} />
      </section>

      <section aria-labelledby="wf-history" className={styles.section}>
        <Subtitle2 as="h2" id="wf-history" className={styles.sectionTitle} block>
          Run history
        </Subtitle2>
        {runs.isPending ? (
          <LoadingRows label="Loading the run history" rows={3} height={44} />
        ) : runs.isError ? (
          <ErrorBlock
            title="The run history could not be loaded"
            error={runs.error}
            onRetry={() => void runs.refetch()}
          />
        ) : (
          <RunTable runs={history ?? runs.data} label="Run history" linkTo={(run) => `runs/${run.id}`} />
        )}
      </section>

      {dialog?.kind === 'edit' && (
        <EditWorkflowDialog key={dialog.seq} open={dialog.open} workflow={workflow} onClose={close} />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteWorkflowDialog
          key={dialog.seq}
          open={dialog.open}
          workflow={workflow}
          onClose={close}
          onDeleted={() => void navigate('/workflows', { replace: true })}
        />
      )}
    </>
  );
}

/** The history with the live copy of one run in its place (or first, when the history has not seen it yet). */
function withLiveRun(runs: WorkflowRun[], live: WorkflowRun | undefined, workflowId: string): WorkflowRun[] {
  if (!live || live.workflowId !== workflowId) return runs;
  return runs.some((r) => r.id === live.id)
    ? runs.map((r) => (r.id === live.id ? live : r))
    : [live, ...runs];
}

/** A sync created to be previewed first: the server schedules it only after its first Run now. */
function awaitsConfirmation(workflow: Workflow): boolean {
  return isOngoing(workflow.type) && workflow.status === 'active' && workflow.nextRunAt === null;
}
