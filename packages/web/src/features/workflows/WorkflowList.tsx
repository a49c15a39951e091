import {
  Badge,
  Body1,
  Button,
  Caption1,
  Link as FluentLink,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, PlayRegular } from '@fluentui/react-icons';
import { isOngoing, type Workflow } from '@lexbridge/contracts';
import { Link, useNavigate } from 'react-router';
import { errorMessage } from '../../api/client.ts';
import { hasRole, type Me } from '../../api/session.ts';
import { useClampStyles } from '../../ui/clamp.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import {
  formatWhen,
  isActiveRun,
  runStatusColors,
  runStatusLabels,
  useRunNow,
  useWorkflows,
  workflowStatusLabel,
} from './api.ts';
import { useUsableConnectors } from './connections.ts';
import { workflowTypeLabels } from './labels.ts';

const narrow = '@media (max-width: 720px)';

const useStyles = makeStyles({
  toolbar: { display: 'flex', justifyContent: 'flex-end', marginBottom: tokens.spacingVerticalM },
  scroll: { overflowX: 'auto' },
  table: {
    minWidth: '56rem',
    // Narrow screens: each workflow becomes a block of labelled lines instead of a clipped wide row.
    [narrow]: {
      minWidth: 0,
      display: 'block',
      '& thead': { display: 'none' },
      '& tbody, & tr, & td': { display: 'block', width: 'auto' },
      '& tr': {
        padding: `${tokens.spacingVerticalS} 0`,
        borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
      },
      '& td': { padding: `${tokens.spacingVerticalXXS} 0`, height: 'auto' },
      '& td[data-label]::before': {
        content: 'attr(data-label) ": "',
        color: tokens.colorNeutralForeground2,
      },
    },
  },
  name: { fontWeight: tokens.fontWeightSemibold },
  // The table lays its columns out fixed: the name and the action get their share explicitly.
  nameColumn: { width: '22%' },
  actionColumn: { width: '8rem' },
  path: {
    overflowWrap: 'anywhere',
    paddingTop: tokens.spacingVerticalS,
    paddingBottom: tokens.spacingVerticalS,
  },
  arrow: { display: 'block' },
  wide: { width: '28%' },
  nowrap: { whiteSpace: 'nowrap' },
  muted: { color: tokens.colorNeutralForeground2 },
  empty: {
    padding: tokens.spacingHorizontalXL,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusLarge,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    alignItems: 'flex-start',
    '& p': { margin: 0 },
  },
  runError: { marginTop: tokens.spacingVerticalXS },
});

/** Admins and Connector Admins see every workflow, so the list names each one's owner. */
export function seesAllWorkflows(me: Me): boolean {
  return hasRole(me, 'Admin', 'ConnectorAdmin');
}

export function WorkflowListPage({ me }: { me: Me }) {
  const styles = useStyles();
  const workflows = useWorkflows();
  const navigate = useNavigate();
  const showOwner = seesAllWorkflows(me);
  return (
    <>
      <PageHeading
        intro={
          showOwner
            ? "Copy, sync or move documents between two authorised connectors. As an administrator you see everyone's workflows."
            : 'Copy, sync or move documents between two authorised connectors. You see the workflows you created.'
        }
      >
        Workflows
      </PageHeading>
      <div className={styles.toolbar}>
        <Button
          as="a"
          href="/workflows/new"
          appearance="primary"
          icon={<AddRegular />}
          onClick={(event) => {
            event.preventDefault();
            void navigate('new');
          }}
        >
          New workflow
        </Button>
      </div>
      {workflows.isPending ? (
        <LoadingRows label="Loading workflows" rows={3} height={48} />
      ) : workflows.isError ? (
        <ErrorBlock
          title="The workflows could not be loaded"
          error={workflows.error}
          onRetry={() => void workflows.refetch()}
        />
      ) : workflows.data.length === 0 ? (
        <EmptyState />
      ) : (
        <div className={styles.scroll}>
          <Table aria-label="Workflows" className={styles.table}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={styles.nameColumn}>Name</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <TableHeaderCell className={styles.wide}>Source → Target</TableHeaderCell>
                {showOwner && <TableHeaderCell>Owner</TableHeaderCell>}
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell>Last run</TableHeaderCell>
                <TableHeaderCell>Next run</TableHeaderCell>
                <TableHeaderCell className={styles.actionColumn}>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {workflows.data.map((workflow) => (
                <WorkflowRow key={workflow.id} workflow={workflow} showOwner={showOwner} />
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </>
  );
}

/** "Office share / Matters": the path starts at the connector, whose name is prefixed when the path does not show it. */
export function locationText(location: Workflow['source']): string {
  const path = location.path || location.name;
  const connector = location.connectorName ?? 'Deleted connector';
  if (!path) return connector;
  return path === connector || path.startsWith(`${connector} / `) ? path : `${connector}: ${path}`;
}

function WorkflowRow({ workflow, showOwner }: { workflow: Workflow; showOwner: boolean }) {
  const styles = useStyles();
  const clamp = useClampStyles();
  const runNow = useRunNow(workflow.id);
  const navigate = useNavigate();
  const { lastRun } = workflow;
  const paused = workflow.status === 'paused';
  return (
    <TableRow>
      <TableCell className={styles.name}>
        <FluentLink as="span" inline className={clamp.twoLines} data-testid="workflow-name">
          <Link to={workflow.id} title={workflow.name}>
            {workflow.name}
          </Link>
        </FluentLink>
      </TableCell>
      <TableCell data-label="Type">{workflowTypeLabels[workflow.type]}</TableCell>
      <TableCell className={styles.path}>
        {locationText(workflow.source)}
        <span className={styles.arrow}>
          <span aria-hidden>→ </span>
          <span className="visually-hidden">to </span>
          {locationText(workflow.target)}
        </span>
      </TableCell>
      {showOwner && <TableCell data-label="Owner">{workflow.ownerName ?? '—'}</TableCell>}
      <TableCell>
        <Badge
          appearance="tint"
          color={paused ? 'warning' : workflow.status === 'completed' ? 'subtle' : 'success'}
        >
          {workflowStatusLabel(workflow)}
        </Badge>
      </TableCell>
      <TableCell>
        {lastRun ? (
          <>
            <Badge appearance="tint" color={runStatusColors[lastRun.status]} className={styles.nowrap}>
              {runStatusLabels[lastRun.status]}
              {isActiveRun(lastRun) && lastRun.planned > 0
                ? ` ${Math.round((100 * lastRun.done) / lastRun.planned)}%`
                : ''}
            </Badge>
            <Caption1 block className={styles.muted}>
              {formatWhen(lastRun.startedAt ?? lastRun.createdAt)}
              {lastRun.dryRun ? ' · dry run' : ''}
            </Caption1>
          </>
        ) : (
          <span className={styles.muted}>Not run yet</span>
        )}
      </TableCell>
      <TableCell data-label="Next run">
        {paused
          ? '—'
          : isOngoing(workflow.type) && workflow.nextRunAt
            ? formatWhen(workflow.nextRunAt)
            : 'When you run it'}
      </TableCell>
      <TableCell>
        <Button
          size="small"
          icon={<PlayRegular />}
          disabled={paused || runNow.isPending || isActiveRun(lastRun)}
          aria-label={`Run ${workflow.name} now`}
          onClick={() =>
            runNow.mutate(false, { onSuccess: (run) => void navigate(`${workflow.id}/runs/${run.id}`) })
          }
        >
          Run now
        </Button>
        {runNow.isError && (
          <Caption1 block role="alert" className={styles.runError}>
            {errorMessage(runNow.error)}
          </Caption1>
        )}
      </TableCell>
    </TableRow>
  );
}

/** No workflows yet: says what is needed first (two usable connections) and links to it. */
function EmptyState() {
  const styles = useStyles();
  const connections = useUsableConnectors();
  const enough = connections.usable.length >= 2;
  return (
    <div className={styles.empty}>
      <Body1 as="p">
        <strong>No workflows yet.</strong> A workflow copies, syncs or moves documents from a folder of one
        connector to a folder of another, so you need two connectors you have authorised (a local folder
        counts as ready without authorising).
      </Body1>
      {connections.isPending ? (
        <LoadingRows label="Checking your connectors" rows={1} height={20} />
      ) : connections.error ? (
        <MessageBar intent="warning">
          <MessageBarBody>{errorMessage(connections.error)}</MessageBarBody>
        </MessageBar>
      ) : enough ? (
        <Body1 as="p">
          You have {connections.usable.length} ready: {connections.usable.map((c) => c.name).join(', ')}.{' '}
          <FluentLink as="span" inline>
            <Link to="new">Create your first workflow</Link>
          </FluentLink>
          .
        </Body1>
      ) : (
        <Body1 as="p">
          You have {connections.usable.length === 0 ? 'none' : `only ${connections.usable[0]!.name}`} ready.{' '}
          <FluentLink as="span" inline>
            <Link to="/connectors">Authorise connectors on the Connectors page</Link>
          </FluentLink>
          , then come back here.
        </Body1>
      )}
    </div>
  );
}
