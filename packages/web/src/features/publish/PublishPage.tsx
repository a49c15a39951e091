import {
  Body1,
  Button,
  Caption1,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Radio,
  RadioGroup,
  Subtitle1,
} from '@fluentui/react-components';
import type { PublishSource } from '@lexbridge/contracts';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { authoriseAndReturn, usePublishSources } from './api.ts';
import { PublishForm } from './PublishForm.tsx';
import { RecentPublishes } from './RecentPublishes.tsx';
import { usePublishStyles } from './styles.ts';

/** Query parameters the authorisation callback adds; not part of the selection. */
const resultParams = ['authorised', 'error', 'connector', 'warning'];

/**
 * Where the iManage "Publish with Lexbridge" command lands: /publish?customer_id&library&ids&user. Finds
 * the iManage connector the items come from (asking the person to choose or to authorise it when
 * needed, and coming back here afterwards), shows the selection, lets them choose a destination, and
 * publishes with a progress bar and a result per item.
 */
export function PublishPage() {
  const styles = usePublishStyles();
  const [params] = useSearchParams();
  const ids = (params.get('ids') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const customerId = params.get('customer_id');
  const from = params.get('from');

  // `from` (the iManage page's origin) was put in the address before the app rendered: see origin.ts.
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
  const styles = usePublishStyles();
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
  const styles = usePublishStyles();
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
  const styles = usePublishStyles();
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
        <PublishForm source={chosen} ids={props.ids} customerId={props.customerId} library={props.library} />
      )}
    </>
  );
}

function SourceLabel({ source }: { source: PublishSource }) {
  const styles = usePublishStyles();
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
