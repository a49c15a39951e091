import {
  Badge,
  Body1,
  Link as FluentLink,
  makeStyles,
  mergeClasses,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { WorkflowRun } from '@lexbridge/contracts';
import { Link } from 'react-router';
import { useClampStyles } from '../../ui/clamp.ts';
import { formatSize } from '../../ui/format.ts';
import { formatDuration, formatWhen, isActiveRun, runStatusColors, runStatusLabels } from './api.ts';
import { runFraction } from './RunProgress.tsx';

const useStyles = makeStyles({
  scroll: { overflowX: 'auto' },
  table: { minWidth: '52rem' },
  numeric: { textAlign: 'right', whiteSpace: 'nowrap' },
  when: { width: '10rem' },
  status: { width: '10rem' },
  workflow: { width: '16rem' },
  failed: { color: tokens.colorPaletteRedForeground1 },
  bar: { display: 'block', marginTop: tokens.spacingVerticalXS, maxWidth: '10rem' },
  nowrap: { whiteSpace: 'nowrap' },
  muted: { color: tokens.colorNeutralForeground2 },
});

const triggerLabels: Record<WorkflowRun['trigger'], string> = {
  manual: 'Run now',
  schedule: 'Schedule',
  cli: 'Command line',
  retry: 'Retry of failed items',
};

/**
 * Runs as a table: when, status (with a small bar while running), counts, bytes and duration, each
 * linking to its detail. `workflowName` adds a Workflow column (the Activity page).
 */
export function RunTable({
  runs,
  label,
  linkTo,
  workflowName,
}: {
  runs: WorkflowRun[];
  label: string;
  linkTo(run: WorkflowRun): string;
  workflowName?(run: WorkflowRun): string;
}) {
  const styles = useStyles();
  const clamp = useClampStyles();
  if (runs.length === 0) return <Body1 as="p">No runs yet.</Body1>;
  return (
    <div className={styles.scroll}>
      <Table aria-label={label} className={styles.table} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell className={styles.when}>Started</TableHeaderCell>
            {workflowName && <TableHeaderCell className={styles.workflow}>Workflow</TableHeaderCell>}
            <TableHeaderCell className={styles.status}>Status</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Created</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Updated</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Deleted</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Skipped</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Failed</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Size</TableHeaderCell>
            <TableHeaderCell className={styles.numeric}>Duration</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {runs.map((run) => (
            <TableRow key={run.id}>
              <TableCell>
                <FluentLink as="span" inline>
                  <Link to={linkTo(run)}>{formatWhen(run.startedAt ?? run.createdAt)}</Link>
                </FluentLink>
                <div className={styles.muted}>
                  {triggerLabels[run.trigger]}
                  {run.dryRun ? ' · dry run' : ''}
                </div>
              </TableCell>
              {workflowName && (
                <TableCell className={styles.workflow}>
                  <span className={clamp.twoLines} title={workflowName(run)} data-testid="run-workflow-name">
                    {workflowName(run)}
                  </span>
                </TableCell>
              )}
              <TableCell>
                <Badge appearance="tint" color={runStatusColors[run.status]} className={styles.nowrap}>
                  {runStatusLabels[run.status]}
                </Badge>
                {isActiveRun(run) && (
                  <ProgressBar
                    className={styles.bar}
                    value={runFraction(run)}
                    max={1}
                    aria-label={`Progress: ${run.done} of ${run.planned} items`}
                  />
                )}
              </TableCell>
              <TableCell className={styles.numeric}>{run.counts.created}</TableCell>
              <TableCell className={styles.numeric}>{run.counts.updated}</TableCell>
              <TableCell className={styles.numeric}>{run.counts.deleted}</TableCell>
              <TableCell className={styles.numeric}>{run.counts.skipped}</TableCell>
              <TableCell className={mergeClasses(styles.numeric, run.counts.failed > 0 && styles.failed)}>
                {run.counts.failed}
              </TableCell>
              <TableCell className={styles.numeric}>{formatSize(run.bytes)}</TableCell>
              <TableCell className={styles.numeric}>{formatDuration(run.durationMs)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
