import { Body1, Button, Link as FluentLink, makeStyles, tokens } from '@fluentui/react-components';
import type { WorkflowRunList, WorkflowRunListEntry } from '@lexbridge/contracts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../../api/client.ts';
import { hasRole, mayUseWorkflows, useMe } from '../../api/session.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { isActiveRun } from '../workflows/api.ts';
import { RunTable } from '../workflows/RunHistory.tsx';

const useStyles = makeStyles({
  note: { color: tokens.colorNeutralForeground2, marginTop: tokens.spacingVerticalM },
  more: { marginTop: tokens.spacingVerticalM },
});

/** Runs per page of GET /api/workflow-runs. */
const pageSize = 50;

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
        <Body1 as="p">
          Your role publishes documents but has no workflows, so there is no workflow activity to show.
        </Body1>
      ) : (
        <RecentRuns showOwner={me ? hasRole(me, 'Admin', 'ConnectorAdmin') : false} />
      )}
    </>
  );
}

/** Runs across workflows, one request per page; refreshed every 3 s while any shown run is still going. */
function useRecentRuns() {
  return useInfiniteQuery({
    queryKey: ['workflow-runs', 'recent', pageSize],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api<WorkflowRunList>(
        `/api/workflow-runs?limit=${pageSize}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`,
        { signal },
      ),
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.runs.some(isActiveRun)) ? 3000 : false,
  });
}

function RecentRuns({ showOwner }: { showOwner: boolean }) {
  const styles = useStyles();
  const runs = useRecentRuns();
  if (runs.isPending) return <LoadingRows label="Loading recent runs" rows={4} height={44} />;
  if (runs.isError)
    return (
      <ErrorBlock
        title="The activity could not be loaded"
        error={runs.error}
        onRetry={() => void runs.refetch()}
      />
    );
  const all = runs.data.pages.flatMap((p) => p.runs);
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
  const byId = new Map<string, WorkflowRunListEntry>(all.map((run) => [run.id, run]));
  return (
    <>
      <RunTable
        runs={all}
        label="Recent runs"
        linkTo={(run) => `/workflows/${run.workflowId}/runs/${run.id}`}
        workflowName={(run) => {
          const entry = byId.get(run.id);
          if (!entry) return '';
          return `${entry.workflowName}${showOwner && entry.ownerName ? ` · ${entry.ownerName}` : ''}`;
        }}
      />
      {runs.hasNextPage && (
        <Button
          className={styles.more}
          disabled={runs.isFetchingNextPage}
          onClick={() => void runs.fetchNextPage()}
        >
          {runs.isFetchingNextPage ? 'Loading older runs…' : 'Show older runs'}
        </Button>
      )}
      <Body1 as="p" className={styles.note}>
        A workflow's page has its whole history.
      </Body1>
    </>
  );
}
