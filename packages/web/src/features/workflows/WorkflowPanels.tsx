import {
  Badge,
  Body1,
  Button,
  Card,
  Link as FluentLink,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Subtitle2,
  tokens,
} from '@fluentui/react-components';
import { StopRegular } from '@fluentui/react-icons';
import { isOngoing, type Workflow } from '@lexbridge/contracts';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { formatWhen, isActiveRun, useCancelRun, workflowStatusLabel } from './api.ts';
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
import { RunProgress } from './RunProgress.tsx';
import { locationText } from './WorkflowList.tsx';

const useStyles = makeStyles({
  card: { padding: tokens.spacingHorizontalL, marginBottom: tokens.spacingVerticalXL },
  cardHead: {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
  },
  cardActions: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
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
});

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
        <div className={styles.cardActions}>
          {active && (
            <Button icon={<StopRegular />} disabled={cancel.isPending} onClick={() => cancel.mutate()}>
              {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
            </Button>
          )}
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

export function WorkflowSettingsList({ workflow }: { workflow: Workflow }) {
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
