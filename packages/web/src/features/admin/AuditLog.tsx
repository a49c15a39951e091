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
  Tag,
  tokens,
} from '@fluentui/react-components';
import type { AuditEventDto, AuditListResponse } from '@lexbridge/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/session.ts';
import { formatWhen } from '../../ui/format.ts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { AuditPager, pageSizes } from './AuditPager.tsx';

export interface AuditFilters {
  action: string;
  outcome: '' | 'success' | 'failure' | 'denied';
  from: string;
  to: string;
  person?: { id: string; label: string };
}

const emptyFilters: AuditFilters = { action: '', outcome: '', from: '', to: '' };

/** Common kinds of event; the field also takes any exact action or prefix ending in ".". */
const actionChoices = [
  { value: '', label: 'Any action' },
  { value: 'auth.', label: 'Sign-in and sign-out' },
  { value: 'access.', label: 'Access denied' },
  { value: 'connector.', label: 'Connectors added, changed, removed' },
  { value: 'connection.', label: 'Authorisations' },
  { value: 'workflow.', label: 'Workflows' },
  { value: 'keys.', label: 'Encryption keys' },
];

const useStyles = makeStyles({
  filters: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(11rem, 1fr))',
    gap: tokens.spacingHorizontalM,
    alignItems: 'start',
    marginBottom: tokens.spacingVerticalM,
  },
  buttons: { display: 'flex', gap: tokens.spacingHorizontalS, gridColumn: '1 / -1', whiteSpace: 'nowrap' },
  person: { marginBottom: tokens.spacingVerticalM },
  tableWrap: { overflowX: 'auto', minHeight: '12rem' },
  // Narrow screens scroll the table sideways rather than break names and actions mid-word.
  table: { minWidth: '48rem' },
  mono: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: 'nowrap',
  },
  nowrap: { whiteSpace: 'nowrap' },
  object: { overflowWrap: 'break-word', minWidth: '10rem' },
  reason: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, maxWidth: '24rem' },
});

/** The query string of GET /api/admin/audit for these filters (dates are whole local days). */
export function auditQueryString(filters: AuditFilters, pageSize: number, before?: number): string {
  const params = new URLSearchParams({ limit: String(pageSize) });
  if (filters.action.trim()) params.set('action', filters.action.trim());
  if (filters.person) params.set('actorUserId', filters.person.id);
  if (filters.outcome) params.set('outcome', filters.outcome);
  if (filters.from) params.set('from', new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to) params.set('to', new Date(`${filters.to}T23:59:59.999`).toISOString());
  if (before !== undefined) params.set('before', String(before));
  return `?${params}`;
}

const outcomeWords: Record<string, string> = { success: 'Success', failure: 'Failed', denied: 'Denied' };

function actorOf(event: AuditEventDto, me: Me): string {
  if (event.actorUserId && event.actorUserId === me.user.id)
    return `You (${me.user.name ?? me.user.email ?? 'signed in'})`;
  return event.actorLabel ?? (event.actorUserId ? `User ${event.actorUserId.slice(0, 8)}` : 'System');
}

/** Who did what to which object, when and from where, newest first, with filters. */
export function AuditLog({ me }: { me: Me }) {
  const styles = useStyles();
  const [draft, setDraft] = useState<AuditFilters>(emptyFilters);
  const [filters, setAppliedFilters] = useState<AuditFilters>(emptyFilters);
  const [pageSize, setPageSize] = useState<number>(pageSizes[1]);
  // The cursor (`before`) of each page seen so far: cursors[0] is the newest page's (none).
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const before = cursors[page];
  const audit = useQuery({
    queryKey: ['audit', filters, pageSize, before],
    queryFn: ({ signal }) =>
      api<AuditListResponse>(`/api/admin/audit${auditQueryString(filters, pageSize, before)}`, { signal }),
    placeholderData: keepPreviousData,
  });
  const events = audit.data?.events ?? [];
  const setFilters = (next: AuditFilters) => {
    setAppliedFilters(next);
    setCursors([undefined]);
  };
  const set = (key: 'action' | 'outcome' | 'from' | 'to') => (_e: unknown, data: { value: string }) =>
    setDraft((d) => ({ ...d, [key]: data.value }));
  const onlyPerson = (event: AuditEventDto) => {
    if (!event.actorUserId) return;
    const next = { ...filters, person: { id: event.actorUserId, label: actorOf(event, me) } };
    setDraft(next);
    setFilters(next);
  };

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
        <Field label="Kind of event">
          <Select
            value={actionChoices.some((c) => c.value === draft.action) ? draft.action : ''}
            onChange={set('action')}
          >
            {actionChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Action">
          <Input value={draft.action} placeholder="e.g. connector.create" onChange={set('action')} />
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
      {filters.person && (
        <div className={styles.person}>
          <Tag
            dismissible
            dismissIcon={{ 'aria-label': 'Show everyone' }}
            onClick={() => {
              const { person: _gone, ...rest } = filters;
              setDraft(rest);
              setFilters(rest);
            }}
          >
            Only {filters.person.label}
          </Tag>
        </div>
      )}
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
          <Table size="small" aria-label="Audit events" className={styles.table}>
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
                  <TableCell className={styles.nowrap}>{formatWhen(event.at)}</TableCell>
                  <TableCell>
                    {event.actorUserId && !filters.person ? (
                      <Button
                        appearance="transparent"
                        size="small"
                        title="Show only this person's events"
                        onClick={() => onlyPerson(event)}
                      >
                        {actorOf(event, me)}
                      </Button>
                    ) : (
                      actorOf(event, me)
                    )}
                  </TableCell>
                  <TableCell className={styles.mono}>{event.action}</TableCell>
                  <TableCell className={styles.object}>
                    {event.targetLabel ??
                      (event.targetType ? `${event.targetType} ${event.targetId ?? ''}` : '—')}
                  </TableCell>
                  <TableCell>
                    {outcomeWords[event.outcome] ?? event.outcome}
                    {event.reason && <div className={styles.reason}>{event.reason}</div>}
                  </TableCell>
                  <TableCell className={styles.mono}>{event.ip ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </div>
      {audit.data && (
        <AuditPager
          page={page}
          pageSize={pageSize}
          shown={events.length}
          total={audit.data.total}
          hasNext={audit.data.nextBefore !== null}
          busy={audit.isPlaceholderData}
          onPrevious={() => setCursors((c) => c.slice(0, -1))}
          onNext={() => {
            const next = audit.data?.nextBefore;
            if (next) setCursors((c) => [...c, next]);
          }}
          onPageSize={(size) => {
            setPageSize(size);
            setCursors([undefined]);
          }}
        />
      )}
    </>
  );
}
