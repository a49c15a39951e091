import { Body1, Link as FluentLink, makeStyles, tokens } from '@fluentui/react-components';
import type { Workflow, WorkflowRun } from '@lexbridge/contracts';
import { useQueries } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client.ts';
import { hasRole, mayUseWorkflows, useMe } from '../../api/session.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { isActiveRun, useWorkflows } from '../workflows/api.ts';
import { RunTable } from '../workflows/RunHistory.tsx';

const useStyles = makeStyles({ note: { color: tokens.colorNeutralForeground2, marginTop: tokens.spacingVerticalM } });

/** How many workflows (most recently run first) and runs the page gathers: it stays quick with many workflows. */
const workflowsShown = 25;
const runsPerWorkflow = 10;
const runsShown = 50;

/**
 * Recent runs across the workflows this person may see (their own; everyone's for Admins and Connector
 * Admins), newest first, with a progress bar on those still going.
 */
export function ActivityPage() {
  const me = useMe().data;
  return (
    <>
      <PageHeading intro="Recent runs of the workflows you can see, newest first. Open a run for its item-by-item log.">
        Activity
      </PageHeading>
      {me && !mayUseWorkflows(me) ? (
        <Body1 as="p">Your role publishes documents but has no workflows, so there is no workflow activity to show.</Body1>
      ) : (
        <RecentRuns showOwner={me ? hasRole(me, 'Admin', 'ConnectorAdmin') : false} />
      )}
    </>
  );
}

const lastActivity = (w: Workflow) => w.lastRun?.createdAt ?? '';

function RecentRuns({ showOwner }: { showOwner: boolean }) {
  const styles = useStyles();
  const workflows = useWorkflows();
  const recent = [...(workflows.data ?? [])]
    .filter((w) => w.lastRun)
    .sort((a, b) => lastActivity(b).localeCompare(lastActivity(a)))
    .slice(0, workflowsShown);
  const runs = useQueries({
    queries: recent.map((w) => ({
      queryKey: ['workflows', w.id, 'runs', runsPerWorkflow],
      queryFn: async ({ signal }: { signal: AbortSignal }) =>
        (await api<{ runs: WorkflowRun[] }>(`/api/workflows/${encodeURIComponent(w.id)}/runs?limit=${runsPerWorkflow}`, { signal })).runs,
      refetchInterval: (query: { state: { data?: WorkflowRun[] } }) => (query.state.data?.some(isActiveRun) ? 3000 : false),
    })),
  });
  if (workflows.isPending || runs.some((r) => r.isPending)) return <LoadingRows label="Loading recent runs" rows={4} height={44} />;
  if (workflows.isError) return <ErrorBlock title="The activity could not be loaded" error={workflows.error} onRetry={() => void workflows.refetch()} />;
  const failed = runs.find((r) => r.isError);
  if (failed) return <ErrorBlock title="Some runs could not be loaded" error={failed.error} onRetry={() => void failed.refetch()} />;
  const byId = new Map(recent.map((w) => [w.id, w]));
  const all = runs
    .flatMap((r) => r.data ?? [])
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .slice(0, runsShown);
  if (all.length === 0) {
    return (
      <Body1 as="p">
        No runs yet. Runs appear here once a workflow has run.{' '}
        <FluentLink as="span" inline>
          <Link to="/workflows">Go to Workflows</Link>
        </FluentLink>
      </Body1>
    );
  }
  return (
    <>
      <RunTable
        runs={all}
        label="Recent runs"
        linkTo={(run) => `/workflows/${run.workflowId}/runs/${run.id}`}
        workflowName={(run) => {
          const w = byId.get(run.workflowId);
          return w ? `${w.name}${showOwner && w.ownerName ? ` · ${w.ownerName}` : ''}` : 'Deleted workflow';
        }}
      />
      <Body1 as="p" className={styles.note}>
        The latest {runsPerWorkflow} runs of each of your {workflowsShown} most recently run workflows. A workflow's page
        has its whole history.
      </Body1>
    </>
  );
}
