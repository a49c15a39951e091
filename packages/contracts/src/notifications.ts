/**
 * The notifications HTTP API: which events a person is emailed about (their own choice, or the firm's
 * default), and the firm-wide settings Admins keep (defaults, digest interval, incoming webhook).
 * Shared by the server (route schemas), the web app and the tests.
 */
import { z } from 'zod';

/** Every kind of event Lexbridge tells people about (docs/notifications.md). */
export const notificationEventTypes = [
  'run.failed',
  'run.waiting',
  'connection.expired',
  'workflow.paused',
  'secret.expiring',
] as const;
export const notificationEventTypeSchema = z.enum(notificationEventTypes);
export type NotificationEventType = z.infer<typeof notificationEventTypeSchema>;

/** How each event is named and explained on the settings pages and in messages. */
export const notificationEventLabels: Record<NotificationEventType, { label: string; description: string }> =
  {
    'run.failed': {
      label: 'A run failed or finished with failures',
      description: 'One message per run, with how many items failed and the first reasons.',
    },
    'run.waiting': {
      label: 'A run is waiting for a system that does not answer',
      description: 'When a system has been unavailable longer than the threshold your administrator set.',
    },
    'connection.expired': {
      label: 'Your connection expired',
      description: 'A system no longer accepts your authorisation: re-authorise it on the Connectors page.',
    },
    'workflow.paused': {
      label: 'A workflow of yours was paused',
      description: 'Lexbridge paused it, for example because a connection it uses expired.',
    },
    'secret.expiring': {
      label: 'A connector’s client secret is about to expire',
      description: 'Where the system reports it; sent to the connector’s creator and to Connector Admins.',
    },
  };

const emailChoices = z.partialRecord(notificationEventTypeSchema, z.boolean());

export const myNotificationEventSchema = z.object({
  type: notificationEventTypeSchema,
  label: z.string(),
  description: z.string(),
  /** Whether this person is emailed about it. */
  email: z.boolean(),
  /** The firm's default, which applies while `custom` is false. */
  firmDefault: z.boolean(),
  custom: z.boolean(),
});

export const myNotificationsSchema = z.object({
  /** Where emails go; null when the identity provider gave no address. */
  emailAddress: z.string().nullable(),
  /** False when the server has no mail server (LEXBRIDGE_SMTP_URL). */
  emailAvailable: z.boolean(),
  digestMinutes: z.number().int(),
  events: z.array(myNotificationEventSchema),
});
export type MyNotifications = z.infer<typeof myNotificationsSchema>;

/** A person's choices: true/false sets their own, null goes back to the firm's default. */
export const myNotificationsUpdateSchema = z.object({
  email: z.partialRecord(notificationEventTypeSchema, z.boolean().nullable()),
});
export type MyNotificationsUpdate = z.infer<typeof myNotificationsUpdateSchema>;

export const firmNotificationsSchema = z.object({
  emailDefaults: z.record(notificationEventTypeSchema, z.boolean()),
  digestMinutes: z.number().int(),
  smtp: z.object({ configured: z.boolean(), from: z.string() }),
  webhook: z.object({
    configured: z.boolean(),
    /** Scheme and host only: the full address often holds a token. */
    origin: z.string().nullable(),
    events: z.array(notificationEventTypeSchema),
  }),
});
export type FirmNotifications = z.infer<typeof firmNotificationsSchema>;

export const firmNotificationsUpdateSchema = z.object({
  emailDefaults: emailChoices.optional(),
  digestMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .optional(),
  webhookEvents: z.array(notificationEventTypeSchema).optional(),
  /** Sets (both fields) or removes (null) the webhook. Write-only: neither is ever shown again. */
  webhook: z
    .object({ url: z.string().max(2000), secret: z.string().min(16).max(200) })
    .nullable()
    .optional(),
});
export type FirmNotificationsUpdate = z.infer<typeof firmNotificationsUpdateSchema>;
