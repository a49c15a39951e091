import {
  Badge,
  Button,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  ProgressBar,
  tokens,
} from '@fluentui/react-components';
import type { WorkflowRun } from '@lexbridge/contracts';
import { useId, useState } from 'react';
import { formatSize } from '../../ui/format.ts';
import { formatDuration, isActiveRun, runStatusColors, runStatusLabels } from './api.ts';

const useStyles = makeStyles({
  wrap: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  head: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  counts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(7rem, 1fr))',
    gap: tokens.spacingHorizontalS,
    margin: 0,
  },
  count: {
    margin: 0,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  countValue: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  countLabel: { color: tokens.colorNeutralForeground2 },
  detail: {
    margin: `${tokens.spacingVerticalXS} 0 0`,
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
});

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "Waiting for iManage" while a running run waits for a system that stopped answering, else the status. */
export function runStatusLabel(run: WorkflowRun): string {
  return run.waiting ? `Waiting for ${run.waiting.system}` : runStatusLabels[run.status];
}

/** The technical cause behind a plain message, shown on request (for an administrator). */
export function FailureDetails({ detail }: { detail: string | null | undefined }) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!detail) return null;
  return (
    <div>
      <Button
        appearance="transparent"
        size="small"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen(!open)}
      >
        {open ? 'Hide details' : 'Details'}
      </Button>
      {open && (
        <p id={id} className={styles.detail}>
          {detail}
        </p>
      )}
    </div>
  );
}

/** The part done, for the progress bar: undefined while the plan is still being made (an animated bar). */
export function runFraction(run: WorkflowRun): number | undefined {
  if (run.planned > 0) return Math.min(1, run.done / run.planned);
  return isActiveRun(run) ? undefined : 1;
}

export function progressSummary(run: WorkflowRun): string {
  if (run.status === 'queued') return 'Waiting for a worker to pick it up…';
  if (run.waiting)
    return `Waiting for ${run.waiting.system} since ${clock.format(new Date(run.waiting.since))} · next try at ${clock.format(new Date(run.waiting.nextAttemptAt))} · ${run.done} of ${run.planned} items`;
  if (run.status === 'running' && run.planned === 0) return 'Listing the source and the target…';
  if (run.dryRun && !isActiveRun(run))
    return `${run.planned} item${run.planned === 1 ? '' : 's'} to act on · ${formatSize(run.bytesPlanned)} to copy`;
  const bytes = run.bytesPlanned > 0 ? ` · ${formatSize(run.bytes)} of ${formatSize(run.bytesPlanned)}` : '';
  return `${run.done} of ${run.planned} items${bytes}`;
}

/** A run's status, progress bar (its summary is announced politely as it changes) and counts. */
export function RunProgress({ run, label = 'Run progress' }: { run: WorkflowRun; label?: string }) {
  const styles = useStyles();
  const counts = [
    ['Created', 'Would create', run.counts.created],
    ['Updated', 'Would update', run.counts.updated],
    ['Deleted', 'Would delete', run.counts.deleted],
    ['Skipped', 'Would skip', run.counts.skipped],
    ['Failed', 'Failed', run.counts.failed],
  ] as const;
  const state =
    run.status === 'failed'
      ? 'error'
      : run.status === 'succeeded'
        ? 'success'
        : run.status === 'partial'
          ? 'warning'
          : 'none';
  return (
    <div className={styles.wrap}>
      <div className={styles.head}>
        <Badge
          appearance="filled"
          color={run.waiting ? 'warning' : runStatusColors[run.status]}
          data-testid="run-status"
        >
          {runStatusLabel(run)}
        </Badge>
        {run.dryRun && <Badge appearance="outline">Dry run: nothing is changed</Badge>}
        <Caption1>Duration {formatDuration(run.durationMs)}</Caption1>
      </div>
      <Field
        label={label}
        hint={<span aria-live="polite">{progressSummary(run)}</span>}
        validationState={state}
      >
        <ProgressBar
          value={runFraction(run)}
          max={1}
          thickness="large"
          aria-valuetext={progressSummary(run)}
        />
      </Field>
      <dl className={styles.counts} aria-label="Counts">
        {counts.map(([name, dryRunName, value]) => (
          <div key={name} className={styles.count}>
            <dt className={styles.countLabel}>{run.dryRun ? dryRunName : name}</dt>
            <dd className={styles.countValue} data-testid={`count-${name.toLowerCase()}`}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
      {run.waiting && (
        <MessageBar intent="warning" layout="multiline" data-testid="run-waiting">
          <MessageBarBody>
            <MessageBarTitle>{runStatusLabel(run)}</MessageBarTitle>
            <div>{run.waiting.reason}</div>
            <FailureDetails detail={run.waiting.detail} />
          </MessageBarBody>
        </MessageBar>
      )}
      {run.error && (
        <MessageBar intent={run.status === 'failed' ? 'error' : 'warning'} layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{runStatusLabels[run.status]}</MessageBarTitle>
            {run.error}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}
