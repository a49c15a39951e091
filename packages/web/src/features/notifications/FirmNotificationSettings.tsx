import {
  Body1,
  Button,
  Caption1,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  mergeClasses,
  Switch,
} from '@fluentui/react-components';
import {
  type FirmNotifications,
  type NotificationEventType,
  notificationEventLabels,
  notificationEventTypes,
} from '@lexbridge/contracts';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../api/client.ts';
import { ErrorBlock, LoadingRows } from '../../ui/states.tsx';
import { useFirmNotifications, useUpdateFirmNotifications } from './api.ts';
import { useNotificationStyles } from './styles.ts';

/** Admins: the firm's email defaults, the digest interval and the incoming webhook. */
export function FirmNotificationSettings() {
  const styles = useNotificationStyles();
  const firm = useFirmNotifications(true);
  return (
    <section className={styles.section} aria-labelledby="firm-notifications">
      <h2 id="firm-notifications" className={styles.heading}>
        Firm-wide (Admins)
      </h2>
      {firm.isPending ? (
        <LoadingRows label="Loading the firm's notification settings" rows={3} height={52} />
      ) : firm.isError ? (
        <ErrorBlock
          title="The firm's notification settings could not be loaded"
          error={firm.error}
          onRetry={() => void firm.refetch()}
        />
      ) : (
        <>
          <Defaults data={firm.data} />
          <Webhook data={firm.data} />
        </>
      )}
    </section>
  );
}

function Defaults({ data }: { data: FirmNotifications }) {
  const styles = useNotificationStyles();
  const update = useUpdateFirmNotifications();
  const [digest, setDigest] = useState(String(data.digestMinutes));
  return (
    <>
      <Body1 block className={styles.notice}>
        Emailed by default, for everyone who has not chosen otherwise
        {data.smtp.configured ? `, from ${data.smtp.from}.` : ' (no mail server is set: LEXBRIDGE_SMTP_URL).'}
      </Body1>
      {update.isError && (
        <MessageBar intent="error" className={styles.notice}>
          <MessageBarBody>{errorMessage(update.error)}</MessageBarBody>
        </MessageBar>
      )}
      <ul className={styles.list} aria-label="Firm defaults">
        {notificationEventTypes.map((type) => (
          <li key={type} className={styles.row}>
            <Body1 id={`default-${type}`}>{notificationEventLabels[type].label}</Body1>
            <Switch
              aria-labelledby={`default-${type}`}
              checked={data.emailDefaults[type]}
              disabled={update.isPending}
              label={data.emailDefaults[type] ? 'On' : 'Off'}
              onChange={(_e, d) => update.mutate({ emailDefaults: { [type]: d.checked } })}
            />
          </li>
        ))}
      </ul>
      <form
        className={mergeClasses(styles.actions, styles.digest)}
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          update.mutate({ digestMinutes: Number(digest) });
        }}
      >
        <Field label="At most one email per person every (minutes)">
          <Input type="number" min={1} max={1440} value={digest} onChange={(_e, d) => setDigest(d.value)} />
        </Field>
        <Button type="submit" disabled={update.isPending || digest === String(data.digestMinutes)}>
          Save interval
        </Button>
      </form>
    </>
  );
}

function Webhook({ data }: { data: FirmNotifications }) {
  const styles = useNotificationStyles();
  const update = useUpdateFirmNotifications();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [events, setEvents] = useState<NotificationEventType[]>(data.webhook.events);
  const save = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { webhookEvents: events, ...(url ? { webhook: { url, secret } } : {}) },
      {
        onSuccess: () => {
          setUrl('');
          setSecret('');
        },
      },
    );
  };
  return (
    <form onSubmit={save} className={styles.webhook} aria-labelledby="webhook-heading">
      <h3 id="webhook-heading" className={styles.heading}>
        Incoming webhook (Teams, Slack or any program)
      </h3>
      <Body1 block className={styles.notice}>
        {data.webhook.configured
          ? `Messages go to ${data.webhook.origin}. The address and signing secret are stored encrypted and not shown again; enter new ones to replace them.`
          : 'No webhook yet. Messages are JSON with a text field, signed with HMAC-SHA256 in X-Lexbridge-Signature.'}
      </Body1>
      {update.isError && (
        <MessageBar intent="error" className={styles.notice}>
          <MessageBarBody>{errorMessage(update.error)}</MessageBarBody>
        </MessageBar>
      )}
      {update.isSuccess && (
        <MessageBar intent="success" className={styles.notice}>
          <MessageBarBody>Webhook settings saved.</MessageBarBody>
        </MessageBar>
      )}
      <div className={styles.fields}>
        <Field label="Webhook address" hint="https:// (http:// only to this machine)">
          <Input
            type="url"
            value={url}
            placeholder={data.webhook.configured ? `${data.webhook.origin}/…` : 'https://'}
            onChange={(_e, d) => setUrl(d.value)}
          />
        </Field>
        <Field label="Signing secret" hint="At least 16 characters; the receiver checks each message with it">
          <Input type="password" value={secret} onChange={(_e, d) => setSecret(d.value)} />
        </Field>
        <fieldset className={styles.fieldset}>
          <legend>
            <Caption1>Send these events to the webhook</Caption1>
          </legend>
          {notificationEventTypes.map((type) => (
            <Checkbox
              key={type}
              label={notificationEventLabels[type].label}
              checked={events.includes(type)}
              onChange={(_e, d) =>
                setEvents((now) => (d.checked ? [...now, type] : now.filter((t) => t !== type)))
              }
            />
          ))}
        </fieldset>
        <div className={styles.actions}>
          <Button type="submit" appearance="primary" disabled={update.isPending}>
            Save webhook
          </Button>
          {data.webhook.configured && (
            <Button disabled={update.isPending} onClick={() => update.mutate({ webhook: null })}>
              Remove webhook
            </Button>
          )}
        </div>
      </div>
    </form>
  );
}
