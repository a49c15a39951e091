import {
  Badge,
  Body1,
  Caption1,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  ProgressBar,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { PublishRunDetail, RunItem } from '@lexbridge/contracts';
import { formatSize } from '../../ui/format.ts';

const useStyles = makeStyles({
  wrap: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  path: { wordBreak: 'break-word' },
  numeric: { textAlign: 'right', whiteSpace: 'nowrap' },
  numericHeader: { '& > *': { justifyContent: 'flex-end', width: '100%' } },
  error: { color: tokens.colorPaletteRedForeground1 },
  hint: { color: tokens.colorNeutralForeground3 },
});

const outcomeLabel = (
  item: RunItem,
): { text: string; color: 'success' | 'informative' | 'danger' | 'warning' } => {
  if (item.outcome === 'failed') return { text: 'Failed', color: 'danger' };
  if (item.outcome === 'skipped') return { text: 'Skipped', color: 'warning' };
  if (item.action === 'update') return { text: 'Updated', color: 'informative' };
  return { text: item.kind === 'folder' ? 'Folder created' : 'Published', color: 'success' };
};

const statusText: Record<string, string> = {
  queued: 'Waiting to start…',
  running: 'Publishing…',
  succeeded: 'Published',
  partial: 'Published, but some items failed',
  failed: 'The publish failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  paused: 'Paused',
};

/** A publish while it runs (progress bar) and after (a result for each item). */
export function PublishProgress({ detail }: { detail: PublishRunDetail }) {
  const styles = useStyles();
  const { run } = detail;
  const active = run.status === 'queued' || run.status === 'running';
  const value = run.planned > 0 ? run.done / run.planned : active ? undefined : 1;
  const summary = `${run.done} of ${run.planned} items · ${formatSize(run.bytes)} of ${formatSize(run.bytesPlanned)}`;
  return (
    <div className={styles.wrap}>
      <Field
        label={`${statusText[run.status] ?? run.status} to ${detail.destinationName}`}
        hint={summary}
        validationState={
          run.status === 'failed' || run.status === 'partial'
            ? 'error'
            : run.status === 'succeeded'
              ? 'success'
              : 'none'
        }
      >
        <ProgressBar value={value} max={1} thickness="large" aria-label="Publish progress" />
      </Field>
      {run.status === 'failed' && run.error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>The publish failed</MessageBarTitle>
            {run.error}
          </MessageBarBody>
        </MessageBar>
      )}
      {!active && run.status === 'succeeded' && (
        <Body1>
          {run.counts.created} new, {run.counts.updated} updated
          {run.counts.created + run.counts.updated === 0 ? ': everything was already up to date.' : '.'}
        </Body1>
      )}
      {detail.items.length > 0 && (
        <Table size="small" aria-label="Result for each item">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Item</TableHeaderCell>
              <TableHeaderCell>Result</TableHeaderCell>
              <TableHeaderCell className={styles.numericHeader}>Size</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {detail.items.map((item) => {
              const label = outcomeLabel(item);
              return (
                <TableRow key={item.id}>
                  <TableCell className={styles.path}>
                    {item.targetPath || item.sourcePath}
                    {item.renamedFrom && (
                      <Caption1 block className={styles.hint}>
                        Renamed from “{item.renamedFrom}”, which the destination cannot hold
                      </Caption1>
                    )}
                  </TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={label.color}>
                      {label.text}
                    </Badge>
                    {item.error && <div className={styles.error}>{item.error}</div>}
                  </TableCell>
                  <TableCell className={styles.numeric}>
                    {item.kind === 'document' ? formatSize(item.bytes) : ''}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </div>
  );
}
