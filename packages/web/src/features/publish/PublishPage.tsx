import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Radio,
  RadioGroup,
  Subtitle1,
  tokens,
} from '@fluentui/react-components';
import { CloudArrowUpRegular } from '@fluentui/react-icons';
import type { PublishSource } from '@lexbridge/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import {
  authoriseAndReturn,
  useDestinations,
  usePublish,
  usePublishRun,
  usePublishSources,
  useSelection,
} from './api.ts';
import { PublishProgress } from './PublishProgress.tsx';
import { RecentPublishes } from './RecentPublishes.tsx';
import { SelectionTable } from './SelectionTable.tsx';

const useStyles = makeStyles({
  section: {
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusLarge,
    padding: tokens.spacingHorizontalXL,
    marginBottom: tokens.spacingVerticalL,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  title: { margin: 0 },
  option: { display: 'flex', flexDirection: 'column' },
  hint: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', gap: tokens.spacingHorizontalM, alignItems: 'center', flexWrap: 'wrap' },
  banner: { marginBottom: tokens.spacingVerticalL },
});

/** Query parameters the authorisation callback adds; not part of the selection. */
const resultParams = ['authorised', 'error', 'connector', 'warning'];

/**
 * Where the iManage "Publish with Lexbridge" command lands: /publish?customer_id&library&ids&user. Finds
 * the iManage connector the items come from (asking the person to choose or to authorise it when
 * needed, and coming back here afterwards), shows the selection, lets them choose a destination, and
 * publishes with a progress bar and a result per item.
 */
export function PublishPage() {
  const styles = useStyles();
  const [params, setParams] = useSearchParams();
  const ids = (params.get('ids') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const customerId = params.get('customer_id');
  const from = params.get('from');

  // Remember which iManage page sent the person here: it identifies the server when no customer id matches yet.
  useEffect(() => {
    if (from || ids.length === 0 || !document.referrer || !URL.canParse(document.referrer)) return;
    const origin = new URL(document.referrer).origin;
    if (origin !== window.location.origin)
      setParams((p) => ({ ...Object.fromEntries(p), from: origin }), { replace: true });
  }, [from, ids.length, setParams]);

  const returnTo = (() => {
    const kept = new URLSearchParams(params);
    for (const key of resultParams) kept.delete(key);
    return `/publish?${kept}`;
  })();

  return (
    <>
      <PageHeading intro="Copy documents and folders you selected in iManage to a place your firm has set up, such as a client portal. Publishing the same items again updates what was published before.">
        Publish from iManage
      </PageHeading>
      <AuthorisationResult params={params} />
      {ids.length === 0 ? (
        <NothingSelected />
      ) : (
        <SourceAndPublish
          ids={ids}
          customerId={customerId}
          from={from}
          library={params.get('library')}
          returnTo={returnTo}
          chosenHint={params.get('authorised')}
        />
      )}
      <section className={styles.section} aria-labelledby="recent-publishes">
        <Subtitle1 as="h2" id="recent-publishes" className={styles.title}>
          Your recent publishes
        </Subtitle1>
        <RecentPublishes />
      </section>
    </>
  );
}

function AuthorisationResult({ params }: { params: URLSearchParams }) {
  const styles = useStyles();
  if (params.get('authorised'))
    return (
      <MessageBar intent="success" className={styles.banner}>
        <MessageBarBody>Authorised. Lexbridge now reads iManage as you.</MessageBarBody>
      </MessageBar>
    );
  if (params.get('error'))
    return (
      <MessageBar intent="error" layout="multiline" className={styles.banner}>
        <MessageBarBody>
          <MessageBarTitle>The authorisation did not complete</MessageBarTitle>
          iManage or Lexbridge answered "{params.get('error')}". Try again below; if it keeps failing, the
          Connectors page explains this answer.
        </MessageBarBody>
      </MessageBar>
    );
  return null;
}

function NothingSelected() {
  const styles = useStyles();
  return (
    <section className={styles.section}>
      <Subtitle1 as="h2" className={styles.title}>
        Nothing selected
      </Subtitle1>
      <Body1>
        In iManage Work, select documents or folders, right-click them (or open their ⋮ menu) and choose{' '}
        <strong>Publish with Lexbridge</strong>. This page then opens with your selection.
      </Body1>
    </section>
  );
}

function SourceAndPublish(props: {
  ids: string[];
  customerId: string | null;
  from: string | null;
  library: string | null;
  returnTo: string;
  chosenHint: string | null;
}) {
  const styles = useStyles();
  const sources = usePublishSources(props.customerId, props.from);
  const [chosenId, setChosenId] = useState<string | null>(null);
  if (sources.isPending) return <LoadingRows label="Finding the iManage connector" rows={2} />;
  if (sources.isError)
    return (
      <ErrorBlock
        title="The iManage connectors could not be loaded"
        error={sources.error}
        onRetry={() => void sources.refetch()}
      />
    );
  if (sources.data.length === 0)
    return (
      <MessageBar intent="warning" layout="multiline" className={styles.banner}>
        <MessageBarBody>
          <MessageBarTitle>No iManage connector is set up</MessageBarTitle>
          Ask a Connector Admin to add the iManage connector in Lexbridge, then choose Publish with Lexbridge
          again.
        </MessageBarBody>
      </MessageBar>
    );
  const matched = sources.data.filter((s) => s.matched);
  const candidates = matched.length > 0 ? matched : sources.data;
  const chosen =
    candidates.find((s) => s.connectorId === chosenId) ??
    candidates.find((s) => s.connectorId === props.chosenHint) ??
    (candidates.length === 1 ? candidates[0] : undefined);

  return (
    <>
      {candidates.length > 1 && (
        <section className={styles.section} aria-labelledby="choose-source">
          <Subtitle1 as="h2" id="choose-source" className={styles.title}>
            Which iManage server are these items from?
          </Subtitle1>
          <RadioGroup
            value={chosen?.connectorId ?? ''}
            onChange={(_, data) => setChosenId(data.value)}
            aria-labelledby="choose-source"
          >
            {candidates.map((s) => (
              <Radio key={s.connectorId} value={s.connectorId} label={<SourceLabel source={s} />} />
            ))}
          </RadioGroup>
        </section>
      )}
      {chosen && chosen.connection !== 'authorised' && (
        <MessageBar intent="warning" layout="multiline" className={styles.banner}>
          <MessageBarBody>
            <MessageBarTitle>Authorise {chosen.name} first</MessageBarTitle>
            {chosen.connection === 'expired'
              ? 'Your authorisation has expired.'
              : 'Lexbridge reads iManage as you, so you authorise it once.'}{' '}
            You sign in to iManage and come straight back to this selection.
          </MessageBarBody>
          <MessageBarActions>
            <Button
              appearance="primary"
              onClick={() => authoriseAndReturn(chosen.connectorId, props.returnTo)}
            >
              Authorise {chosen.name}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {chosen && chosen.connection === 'authorised' && (
        <SelectionAndPublish
          source={chosen}
          ids={props.ids}
          customerId={props.customerId}
          library={props.library}
        />
      )}
    </>
  );
}

function SourceLabel({ source }: { source: PublishSource }) {
  const styles = useStyles();
  return (
    <span className={styles.option}>
      {source.name}
      <Caption1 className={styles.hint}>
        {source.serverAddress ?? source.type} ·{' '}
        {source.connection === 'authorised' ? 'authorised' : 'not authorised yet'}
      </Caption1>
    </span>
  );
}

function SelectionAndPublish({
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
  const styles = useStyles();
  const selection = useSelection(source.connectorId, ids);
  const destinations = useDestinations();
  const [destinationId, setDestinationId] = useState<string | null>(null);
  const publish = usePublish();
  const [runId, setRunId] = useState<string | null>(null);
  const run = usePublishRun(runId);
  const client = useQueryClient();
  const finishedStatus = run.data && run.data.run.status !== 'queued' && run.data.run.status !== 'running' ? run.data.run.status : null;
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
