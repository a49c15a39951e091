import { Body1, Button, Caption1, MessageBar, MessageBarBody, Switch } from '@fluentui/react-components';
import type { MyNotifications } from '@lexbridge/contracts';
import { errorMessage } from '../../api/client.ts';
import { hasRole, type Me } from '../../api/session.ts';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { useMyNotifications, useUpdateMyNotifications } from './api.ts';
import { FirmNotificationSettings } from './FirmNotificationSettings.tsx';
import { useNotificationStyles } from './styles.ts';

/** Settings → Notifications: each person's email choices, and for Admins the firm's settings. */
export function NotificationsPage({ me }: { me: Me }) {
  const styles = useNotificationStyles();
  const mine = useMyNotifications();
  return (
    <>
      <PageHeading intro="Lexbridge tells you when something needs you: a run that failed, a connection to re-authorise, a paused workflow.">
        Notifications
      </PageHeading>
      <section className={styles.section} aria-labelledby="my-notifications">
        <h2 id="my-notifications" className={styles.heading}>
          Email me when
        </h2>
        {mine.isPending ? (
          <LoadingRows label="Loading your notification settings" rows={5} height={52} />
        ) : mine.isError ? (
          <ErrorBlock
            title="Your notification settings could not be loaded"
            error={mine.error}
            onRetry={() => void mine.refetch()}
          />
        ) : (
          <MyChoices data={mine.data} />
        )}
      </section>
      {hasRole(me, 'Admin') && <FirmNotificationSettings />}
    </>
  );
}

function MyChoices({ data }: { data: MyNotifications }) {
  const styles = useNotificationStyles();
  const update = useUpdateMyNotifications();
  return (
    <>
      {!data.emailAvailable ? (
        <MessageBar intent="warning" className={styles.notice}>
          <MessageBarBody>
            This server sends no email yet: your administrator sets its mail server (LEXBRIDGE_SMTP_URL). Your
            choices are kept for when it does.
          </MessageBarBody>
        </MessageBar>
      ) : (
        <Body1 block className={styles.notice}>
          Emails go to {data.emailAddress ?? 'no address (your sign-in gave none)'}, at most one every{' '}
          {data.digestMinutes} minutes: what happens in between is gathered into the next.
        </Body1>
      )}
      {update.isError && (
        <MessageBar intent="error" className={styles.notice}>
          <MessageBarBody>{errorMessage(update.error)}</MessageBarBody>
        </MessageBar>
      )}
      <ul className={styles.list}>
        {data.events.map((event) => (
          <li key={event.type} className={styles.row}>
            <div>
              <Body1 block id={`event-${event.type}`}>
                {event.label}
              </Body1>
              <Caption1 block className={styles.hint}>
                {event.description}{' '}
                {event.custom
                  ? `Your choice (the firm default is ${event.firmDefault ? 'on' : 'off'}).`
                  : 'Firm default.'}
              </Caption1>
            </div>
            <div className={styles.actions}>
              {event.custom && (
                <Button
                  appearance="subtle"
                  size="small"
                  disabled={update.isPending}
                  onClick={() => update.mutate({ email: { [event.type]: null } })}
                >
                  Use firm default
                </Button>
              )}
              <Switch
                aria-labelledby={`event-${event.type}`}
                checked={event.email}
                disabled={update.isPending}
                label={event.email ? 'On' : 'Off'}
                onChange={(_e, d) => update.mutate({ email: { [event.type]: d.checked } })}
              />
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
