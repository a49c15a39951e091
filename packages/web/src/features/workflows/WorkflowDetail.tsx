import {
  Badge,
  Body1,
  Button,
  Card,
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
  StopRegular,
} from '@fluentui/react-icons';
import { isOngoing, type Workflow } from '@lexbridge/contracts';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import {
  formatWhen,
  isActiveRun,
  useCancelRun,
  useRunNow,
  useUpdateWorkflow,
  useWorkflow,
  useWorkflowRuns,
  workflowStatusLabel,
} from './api.ts';
import { useUsableConnectors } from './connections.ts';
import {
  archiveSourceLabels,
  conflictPolicyLabels,
  optionLabels,
  optionsFor,
  triggerLabels,
  workflowTypeLabels,
} from './labels.ts';
import { useLiveRun } from './live-run.ts';
import { RunTable } from './RunHistory.tsx';
import { RunProgress } from './RunProgress.tsx';
import { DeleteWorkflowDialog, EditWorkflowDialog } from './WorkflowDialogs.tsx';
import { locationText } from './WorkflowList.tsx';

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
  card: { padding: tokens.spacingHorizontalL, marginBottom: tokens.spacingVerticalXL },
  cardHead: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
  },
  settings: {
    display: 'grid',
    gridTemplateColumns: 'minmax(9rem, max-content) minmax(0, 1fr)',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    margin: 0,
    '@media (max-width: 560px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0, overflowWrap: 'anywhere' },
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
  const shownRunId = followRunId ?? activeRun?.id ?? null;
  const busy = runNow.isPending || activeRun !== null;
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
          <RunTable runs={runs.data} label="Run history" linkTo={(run) => `runs/${run.id}`} />
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

/** A sync created to be previewed first: the server schedules it only after its first Run now. */
function awaitsConfirmation(workflow: Workflow): boolean {
  return isOngoing(workflow.type) && workflow.status === 'active' && workflow.nextRunAt === null;
}

/** The run being followed: its live progress bar, Cancel while it goes, and a link to its per-item log. */
export function LiveRunCard({ runId, workflowId }: { runId: string; workflowId: string }) {
  const styles = useStyles();
  const run = useLiveRun(runId);
  const cancel = useCancelRun(runId);
  const active = isActiveRun(run.data);
  return (
    <Card className={styles.card} aria-label={run.data?.dryRun ? 'Dry run' : 'Current run'}>
      <div className={styles.cardHead}>
        <Subtitle2 as="h2">{run.data?.dryRun ? 'Dry run' : active ? 'Current run' : 'Latest run'}</Subtitle2>
        <div>
          {active && (
            <Button icon={<StopRegular />} disabled={cancel.isPending} onClick={() => cancel.mutate()}>
              {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
            </Button>
          )}{' '}
          <FluentLink as="span" inline>
            <Link to={`/workflows/${workflowId}/runs/${runId}`}>Open run details</Link>
          </FluentLink>
        </div>
      </div>
      {run.isPending ? (
        <LoadingRows label="Loading the run" rows={1} height={96} />
      ) : run.isError ? (
        <ErrorBlock
          title="The run could not be loaded"
          error={run.error}
          onRetry={() => void run.refetch()}
        />
      ) : (
        <RunProgress run={run.data} />
      )}
      {cancel.isError && (
        <MessageBar intent="error">
          <MessageBarBody>{errorMessage(cancel.error)}</MessageBarBody>
        </MessageBar>
      )}
    </Card>
  );
}

function WorkflowSettingsList({ workflow }: { workflow: Workflow }) {
  const styles = useStyles();
  const sync = isOngoing(workflow.type);
  const connections = useUsableConnectors();
  const onOptions = optionsFor(workflow.type)
    .filter((name) => workflow.options[name])
    .map((name) => optionLabels[name].label);
  const offTriggers = Object.entries(workflow.triggers)
    .filter(([, on]) => !on)
    .map(([name]) => triggerLabels[name as keyof typeof triggerLabels]);
  const rows: [string, ReactNode][] = [
    ['Type', workflowTypeLabels[workflow.type]],
    ['Source', locationText(workflow.source)],
    ['Target', locationText(workflow.target)],
    [
      'Status',
      <Badge key="s" appearance="tint" color={workflow.status === 'paused' ? 'warning' : 'success'}>
        {workflowStatusLabel(workflow)}
      </Badge>,
    ],
    ['Owner', workflow.ownerName ?? '—'],
    ['Options', onOptions.length ? onOptions.join(', ') : 'None'],
  ];
  if (workflow.type === 'two_way_sync') {
    const sides = {
      source: connections.side(workflow.source.connectorId, workflow.source.connectorName ?? 'the source'),
      target: connections.side(workflow.target.connectorId, workflow.target.connectorName ?? 'the target'),
    };
    rows.push([
      'When both sides changed',
      conflictPolicyLabels(sides)[workflow.options.conflictPolicy].label,
    ]);
  }
  if (workflow.type === 'archive')
    rows.push(['After archiving', archiveSourceLabels[workflow.options.archiveSource].label]);
  if (sync) {
    rows.push(['Triggers', offTriggers.length ? `All except ${offTriggers.join(', ')}` : 'All']);
    rows.push([
      'Checks for changes',
      `Every ${workflow.intervalMinutes} minute${workflow.intervalMinutes === 1 ? '' : 's'}`,
    ]);
    rows.push([
      'Next run',
      workflow.status === 'paused'
        ? 'Paused'
        : workflow.nextRunAt
          ? formatWhen(workflow.nextRunAt)
          : 'Not scheduled: it starts when you choose Run now',
    ]);
  }
  rows.push(['Created', formatWhen(workflow.createdAt)]);
  return (
    <dl className={styles.settings}>
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt className={styles.term}>{term}</dt>
          <dd className={styles.value}>{typeof value === 'string' ? <Body1>{value}</Body1> : value}</dd>
        </div>
      ))}
    </dl>
  );
}
