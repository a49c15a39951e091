import {
  Badge,
  Body1,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import { formatWhen } from '../../ui/format.ts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { useRecentPublishes } from './api.ts';

const statusColor = (status: string) =>
  status === 'succeeded' ? 'success' : status === 'failed' || status === 'partial' ? 'danger' : 'informative';

/** The person's latest publishes: when, where to, how many items, and how it ended. */
export function RecentPublishes() {
  const runs = useRecentPublishes();
  if (runs.isPending) return <LoadingRows label="Loading your recent publishes" rows={2} height={32} />;
  if (runs.isError)
    return (
      <ErrorBlock
        title="Your recent publishes could not be loaded"
        error={runs.error}
        onRetry={() => void runs.refetch()}
      />
    );
  if (runs.data.length === 0) return <Body1>You have not published anything yet.</Body1>;
  return (
    <Table size="small" aria-label="Your recent publishes">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>When</TableHeaderCell>
          <TableHeaderCell>Destination</TableHeaderCell>
          <TableHeaderCell>Items</TableHeaderCell>
          <TableHeaderCell>Result</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {runs.data.map((p) => (
          <TableRow key={p.id}>
            <TableCell>{formatWhen(p.run.createdAt)}</TableCell>
            <TableCell>{p.destinationName}</TableCell>
            <TableCell>
              {p.run.counts.created} new, {p.run.counts.updated} updated
              {p.run.counts.failed ? `, ${p.run.counts.failed} failed` : ''}
            </TableCell>
            <TableCell>
              <Badge appearance="tint" color={statusColor(p.run.status)}>
                {p.run.status}
              </Badge>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
