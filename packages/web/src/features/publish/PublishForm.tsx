import { Body1, Button, Caption1, Radio, RadioGroup, Subtitle1 } from '@fluentui/react-components';
import { CloudArrowUpRegular } from '@fluentui/react-icons';
import type { PublishSource } from '@lexbridge/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { useDestinations, usePublish, usePublishRun, useSelection } from './api.ts';
import { PublishProgress } from './PublishProgress.tsx';
import { SelectionTable } from './SelectionTable.tsx';
import { usePublishStyles } from './styles.ts';

/** The selection read from iManage, the destination choice, and the publish with its progress. */
export function PublishForm({
  source,
  ids,
  customerId,
  library,
}: {
  source: PublishSource;
  ids: string[];
  customerId: string | null;
  library: string | null;
}) {
  const styles = usePublishStyles();
  const selection = useSelection(source.connectorId, ids);
  const destinations = useDestinations();
  const [destinationId, setDestinationId] = useState<string | null>(null);
  const publish = usePublish();
  const [runId, setRunId] = useState<string | null>(null);
  const run = usePublishRun(runId);
  const client = useQueryClient();
  const finishedStatus =
    run.data && run.data.run.status !== 'queued' && run.data.run.status !== 'running'
      ? run.data.run.status
      : null;
  useEffect(() => {
    if (finishedStatus) void client.invalidateQueries({ queryKey: ['publish-runs'] });
  }, [finishedStatus, client]);
  const chosen = destinationId ?? (destinations.data?.length === 1 ? destinations.data[0]!.id : null);
  const running = run.data ? run.data.run.status === 'queued' || run.data.run.status === 'running' : !!runId;
  const readable = selection.data?.filter((item) => !item.error) ?? [];

  return (
    <>
      <section className={styles.section} aria-labelledby="selection">
        <Subtitle1 as="h2" id="selection" className={styles.title}>
          Selected in {source.name}
        </Subtitle1>
        {selection.isPending ? (
          <LoadingRows
            label="Reading the selection from iManage"
            rows={Math.min(ids.length, 4)}
            height={36}
          />
        ) : selection.isError ? (
          <ErrorBlock
            title="The selection could not be read"
            error={selection.error}
            onRetry={() => void selection.refetch()}
          />
        ) : (
          <SelectionTable items={selection.data} />
        )}
      </section>
      <section className={styles.section} aria-labelledby="destination">
        <Subtitle1 as="h2" id="destination" className={styles.title}>
          Publish to
        </Subtitle1>
        {destinations.isPending ? (
          <LoadingRows label="Loading the destinations" rows={2} height={36} />
        ) : destinations.isError ? (
          <ErrorBlock
            title="The destinations could not be loaded"
            error={destinations.error}
            onRetry={() => void destinations.refetch()}
          />
        ) : destinations.data.length === 0 ? (
          <Body1>No publish destinations are set up yet. A Connector Admin adds them under Admin.</Body1>
        ) : (
          <RadioGroup
            value={chosen ?? ''}
            onChange={(_, data) => setDestinationId(data.value)}
            aria-labelledby="destination"
            disabled={running}
          >
            {destinations.data.map((d) => (
              <Radio
                key={d.id}
                value={d.id}
                label={
                  <span className={styles.option}>
                    {d.name}
                    <Caption1 className={styles.hint}>
                      {[d.description, d.location.path].filter(Boolean).join(' · ')}
                    </Caption1>
                  </span>
                }
              />
            ))}
          </RadioGroup>
        )}
        <div className={styles.actions}>
          <Button
            appearance="primary"
            size="large"
            icon={<CloudArrowUpRegular />}
            disabled={!chosen || readable.length === 0 || running || publish.isPending}
            onClick={() =>
              publish.mutate(
                {
                  connectorId: source.connectorId,
                  destinationId: chosen!,
                  ids: readable.map((i) => i.id),
                  ...(customerId ? { customerId } : {}),
                  ...(library ? { library } : {}),
                },
                { onSuccess: (started) => setRunId(started.id) },
              )
            }
          >
            {run.data && !running ? 'Publish again' : 'Publish'}
          </Button>
          {!chosen && destinations.data && destinations.data.length > 1 && (
            <Caption1 className={styles.hint}>Choose a destination first.</Caption1>
          )}
        </div>
        {publish.isError && <ErrorBlock title="The publish could not start" error={publish.error} />}
        {run.isError && (
          <ErrorBlock
            title="The progress could not be loaded"
            error={run.error}
            onRetry={() => void run.refetch()}
          />
        )}
        {run.data && <PublishProgress detail={run.data} />}
      </section>
    </>
  );
}
