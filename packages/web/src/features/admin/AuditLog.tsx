import {
  Button,
  Field,
  Input,
  makeStyles,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/session.ts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';

/** One audit event as GET /api/admin/audit returns it. */
export interface AuditEventView {
  id: number | string;
  at: string;
  action: string;
  actor?: { id?: string | null; name?: string | null; email?: string | null; label?: string | null } | null;
  actorUserId?: string | null;
  actorLabel?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  outcome: string;
  ip?: string | null;
  details?: Record<string, unknown> | null;
}

interface AuditPage {
  events: AuditEventView[];
  nextCursor?: string | null;
}

export interface AuditFilters {
  action: string;
  actor: string;
  outcome: '' | 'success' | 'failure' | 'denied';
  from: string;
  to: string;
}

const emptyFilters: AuditFilters = { action: '', actor: '', outcome: '', from: '', to: '' };

const useStyles = makeStyles({
  filters: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(10rem, 1fr))',
    gap: tokens.spacingHorizontalM,
    alignItems: 'end',
    marginBottom: tokens.spacingVerticalL,
  },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS },
  tableWrap: { overflowX: 'auto', minHeight: '12rem' },
  mono: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    overflowWrap: 'anywhere',
  },
  more: { marginTop: tokens.spacingVerticalM },
});

export function auditQueryString(filters: AuditFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.action.trim()) params.set('action', filters.action.trim());
  if (filters.actor.trim()) params.set('actor', filters.actor.trim());
  if (filters.outcome) params.set('outcome', filters.outcome);
  if (filters.from) params.set('from', new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to) params.set('to', new Date(`${filters.to}T23:59:59.999`).toISOString());
  if (cursor) params.set('cursor', cursor);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function actorOf(event: AuditEventView): string {
  return (
    event.actor?.name ??
    event.actor?.email ??
    event.actor?.label ??
    event.actorLabel ??
    event.actorUserId ??
    'system'
  );
}

/** Who did what to which object, when and from where, newest first, with filters. */
export function AuditLog(_props: { me: Me }) {
  const styles = useStyles();
  const [draft, setDraft] = useState<AuditFilters>(emptyFilters);
  const [filters, setFilters] = useState<AuditFilters>(emptyFilters);
  const audit = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) => {
      const page = await api<AuditPage | { items: AuditEventView[]; nextCursor?: string | null }>(
        `/api/admin/audit${auditQueryString(filters, pageParam)}`,
        { signal },
      );
      return 'events' in page ? page : { events: page.items, nextCursor: page.nextCursor };
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const events = audit.data?.pages.flatMap((p) => p.events) ?? [];
  const set = (key: keyof AuditFilters) => (_e: unknown, data: { value: string }) =>
    setDraft((d) => ({ ...d, [key]: data.value }));

  return (
    <>
      <form
        className={styles.filters}
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <Field label="Action" hint="e.g. connector.create or auth.">
          <Input value={draft.action} onChange={set('action')} />
        </Field>
        <Field label="Person" hint="Name or e-mail address">
          <Input value={draft.actor} onChange={set('actor')} />
        </Field>
        <Field label="Outcome">
          <Select value={draft.outcome} onChange={set('outcome')}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
            <option value="denied">Denied</option>
          </Select>
        </Field>
        <Field label="From">
          <Input type="date" value={draft.from} onChange={set('from')} />
        </Field>
        <Field label="To">
          <Input type="date" value={draft.to} onChange={set('to')} />
        </Field>
        <div className={styles.buttons}>
          <Button appearance="primary" type="submit">
            Apply filters
          </Button>
          <Button
            onClick={() => {
              setDraft(emptyFilters);
              setFilters(emptyFilters);
            }}
          >
            Clear
          </Button>
        </div>
      </form>
      <div className={styles.tableWrap}>
        {audit.isPending ? (
          <LoadingRows label="Loading the audit log" rows={5} height={32} />
        ) : audit.isError ? (
          <ErrorBlock
            title="The audit log could not be loaded"
            error={audit.error}
            onRetry={() => void audit.refetch()}
          />
        ) : events.length === 0 ? (
          <p>No events match these filters.</p>
        ) : (
          <Table size="small" aria-label="Audit events">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>When</TableHeaderCell>
                <TableHeaderCell>Who</TableHeaderCell>
                <TableHeaderCell>Action</TableHeaderCell>
                <TableHeaderCell>Object</TableHeaderCell>
                <TableHeaderCell>Outcome</TableHeaderCell>
                <TableHeaderCell>From</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {events.map((event) => (
                <TableRow key={event.id}>
                  <TableCell>{new Date(event.at).toLocaleString()}</TableCell>
                  <TableCell>{actorOf(event)}</TableCell>
                  <TableCell className={styles.mono}>{event.action}</TableCell>
                  <TableCell className={styles.mono}>
                    {event.targetType ? `${event.targetType} ${event.targetId ?? ''}` : '—'}
                  </TableCell>
                  <TableCell>{event.outcome}</TableCell>
                  <TableCell className={styles.mono}>{event.ip ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
      {audit.hasNextPage && (
        <Button
          className={styles.more}
          disabled={audit.isFetchingNextPage}
          onClick={() => void audit.fetchNextPage()}
        >
          {audit.isFetchingNextPage ? 'Loading…' : 'Show older events'}
        </Button>
      )}
    </>
  );
}
