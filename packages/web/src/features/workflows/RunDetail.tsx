import {
  Badge,
  Body1,
  Button,
  Link as FluentLink,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Subtitle2,
  Switch,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, ArrowLeftRegular, StopRegular } from '@fluentui/react-icons';
import type { RunItem, Workflow } from '@lexbridge/contracts';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { formatSize } from '../../ui/format.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import {
  canRetry,
  formatWhen,
  isActiveRun,
  useCancelRun,
  useRetryRun,
  useRunItems,
  useWorkflow,
} from './api.ts';
import { useLiveRun } from './live-run.ts';
import { ArchiveManifest, ConflictList, ItemLinks, useWorkflowSides } from './RunConflicts.tsx';
import { FailureDetails, RunProgress } from './RunProgress.tsx';

const useStyles = makeStyles({
  back: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    marginBottom: tokens.spacingVerticalM,
  },
  section: { marginTop: tokens.spacingVerticalXXL },
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalM,
    alignItems: 'center',
    marginBottom: tokens.spacingVerticalS,
  },
  title: { margin: 0, marginRight: 'auto' },
  scroll: { overflowX: 'auto' },
  table: { minWidth: '44rem' },
  path: { overflowWrap: 'anywhere' },
  numeric: { textAlign: 'right', whiteSpace: 'nowrap' },
  error: { color: tokens.colorPaletteRedForeground1, marginTop: tokens.spacingVerticalXXS },
  muted: { color: tokens.colorNeutralForeground2 },
  pager: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalS },
  cancel: { marginTop: tokens.spacingVerticalM },
});

const actionLabels: Record<RunItem['action'], string> = {
  create: 'Create',
  update: 'Update',
  create_folder: 'Create folder',
  rename: 'Rename',
  move: 'Move',
  delete: 'Delete from target',
  delete_source: 'Delete from source',
  skip: 'Skip',
  conflict: 'Conflict',
  manifest: 'Archive manifest',
  link_file: 'Link to the archive',
  read_only: 'Source made read-only',
};

/** Items whose links the log shows: a conflict's two sides, the archive's manifest and link file. */
const linkedActions: RunItem['action'][] = ['conflict', 'manifest', 'link_file'];

/** A size where the item copies content (a removal or a conflict record moves no bytes). */
const showsSize = (item: RunItem) =>
  item.kind === 'document' && (item.bytes > 0 || item.action === 'create' || item.action === 'update');

const outcomeBadges: Record<
  RunItem['outcome'],
  { text: string; color: 'success' | 'danger' | 'warning' | 'informative' }
> = {
  done: { text: 'Done', color: 'success' },
  failed: { text: 'Failed', color: 'danger' },
  skipped: { text: 'Skipped', color: 'warning' },
  planned: { text: 'Would be done', color: 'informative' },
};

export function RunDetailPage() {
  const { workflowId = '', runId = '' } = useParams();
  const styles = useStyles();
  const workflow = useWorkflow(workflowId);
  const run = useLiveRun(runId);
  const cancel = useCancelRun(runId);
  const retry = useRetryRun(runId);
  const navigate = useNavigate();
  const name = workflow.data?.name ?? 'Workflow';
  return (
    <>
      <FluentLink as="span" className={styles.back}>
        <ArrowLeftRegular />
        <Link to={`/workflows/${workflowId}`}>Back to {name}</Link>
      </FluentLink>
      <PageHeading
        intro={run.data ? `Started ${formatWhen(run.data.startedAt ?? run.data.createdAt)}` : undefined}
      >
        {run.data?.dryRun ? 'Dry run' : 'Run'} of {name}
      </PageHeading>
      {run.isPending ? (
        <LoadingRows label="Loading the run" rows={2} height={72} />
      ) : run.isError ? (
        <ErrorBlock
          title="The run could not be loaded"
          error={run.error}
          onRetry={() => void run.refetch()}
        />
      ) : (
        <>
          <RunProgress run={run.data} />
          {isActiveRun(run.data) && (
            <Button
              className={styles.cancel}
              icon={<StopRegular />}
              disabled={cancel.isPending}
              onClick={() => cancel.mutate()}
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
            </Button>
          )}
          {canRetry(run.data, workflow.data?.type) && (
            <Button
              className={styles.cancel}
              appearance="primary"
              icon={<ArrowClockwiseRegular />}
              disabled={retry.isPending}
              onClick={() =>
                retry.mutate(undefined, {
                  onSuccess: (next) => void navigate(`/workflows/${workflowId}/runs/${next.id}`),
                })
              }
            >
              {retry.isPending ? 'Starting…' : `Retry failed items (${run.data.counts.failed})`}
            </Button>
          )}
          {(cancel.isError || retry.isError) && (
            <MessageBar intent="error">
              <MessageBarBody>{errorMessage(cancel.error ?? retry.error)}</MessageBarBody>
            </MessageBar>
          )}
          {workflow.data?.type === 'archive' && (
            <ArchiveManifest runId={runId} live={isActiveRun(run.data)} workflow={workflow.data} />
          )}
          {workflow.data?.type === 'two_way_sync' && (
            <ConflictList runId={runId} live={isActiveRun(run.data)} workflow={workflow.data} />
          )}
          <ItemLog
            runId={runId}
            live={isActiveRun(run.data)}
            dryRun={run.data.dryRun}
            workflow={workflow.data}
          />
        </>
      )}
    </>
  );
}

/** The per-item log, 100 at a time, in the order things happened; optionally failures only. */
function ItemLog({
  runId,
  live,
  dryRun,
  workflow,
}: {
  runId: string;
  live: boolean;
  dryRun: boolean;
  workflow: Workflow | undefined;
}) {
  const styles = useStyles();
  const sides = useWorkflowSides(workflow);
  const [failedOnly, setFailedOnly] = useState(false);
  // Cursors of the pages visited so far: Previous pops one.
  const [cursors, setCursors] = useState<number[]>([0]);
  const after = cursors.at(-1)!;
  const items = useRunItems(runId, failedOnly, after, live);
  return (
    <section aria-labelledby="run-items" className={styles.section}>
      <div className={styles.toolbar}>
        <Subtitle2 as="h2" id="run-items" className={styles.title}>
          {dryRun ? 'What would be done' : 'Item by item'}
        </Subtitle2>
        <Switch
          label="Failures only"
          checked={failedOnly}
          onChange={(_e, data) => {
            setFailedOnly(data.checked);
            setCursors([0]);
          }}
        />
      </div>
      {items.isPending ? (
        <LoadingRows label="Loading the items" rows={4} height={36} />
      ) : items.isError ? (
        <ErrorBlock
          title="The items could not be loaded"
          error={items.error}
          onRetry={() => void items.refetch()}
        />
      ) : items.data.items.length === 0 ? (
        <Body1 as="p">
          {failedOnly
            ? 'Nothing failed in this run.'
            : live
              ? 'No items yet.'
              : 'This run had nothing to do.'}
        </Body1>
      ) : (
        <>
          <div className={styles.scroll}>
            <Table aria-label="Items of this run" size="small" className={styles.table}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Item</TableHeaderCell>
                  <TableHeaderCell>Action</TableHeaderCell>
                  <TableHeaderCell>Result</TableHeaderCell>
                  <TableHeaderCell className={styles.numeric}>Size</TableHeaderCell>
                  <TableHeaderCell>When</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {items.data.items.map((item) => (
                  <TableRow key={item.id}>
                    <TableCell className={styles.path}>
                      {item.targetPath ?? item.sourcePath}
                      {item.renamedFrom && (
                        <div className={styles.muted}>
                          Renamed from “{item.renamedFrom}”, which the target cannot hold
                        </div>
                      )}
                      {item.error && (
                        <div className={item.outcome === 'failed' ? styles.error : styles.muted}>
                          {item.error}
                        </div>
                      )}
                      {linkedActions.includes(item.action) && <ItemLinks item={item} sides={sides} />}
                      <FailureDetails detail={item.detail} />
                    </TableCell>
                    <TableCell>{actionLabels[item.action]}</TableCell>
                    <TableCell>
                      <Badge appearance="tint" color={outcomeBadges[item.outcome].color}>
                        {outcomeBadges[item.outcome].text}
                      </Badge>
                    </TableCell>
                    <TableCell className={styles.numeric}>
                      {showsSize(item) ? formatSize(item.bytes) : ''}
                    </TableCell>
                    <TableCell>{formatWhen(item.at)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
          {(cursors.length > 1 || items.data.nextAfter !== null) && (
            <div className={styles.pager}>
              <Button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                Previous 100
              </Button>
              <Button
                disabled={items.data.nextAfter === null}
                onClick={() => setCursors((c) => [...c, items.data.nextAfter!])}
              >
                Next 100
              </Button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
