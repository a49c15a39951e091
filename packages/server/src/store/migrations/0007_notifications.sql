-- Notifications (docs/notifications.md): the firm's settings (defaults and the sealed webhook), each
-- person's choices, and the outbox of notices that the dispatcher turns into digests.
CREATE TABLE notification_settings (
  id text PRIMARY KEY,
  email_defaults jsonb NOT NULL DEFAULT '{}'::jsonb,
  digest_minutes integer NOT NULL DEFAULT 15,
  webhook_events jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- Encrypted JSON {url, secret} (crypto/secret-columns.ts).
  webhook text,
  webhook_origin text,
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notification_preferences (
  user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  email jsonb NOT NULL DEFAULT '{}'::jsonb,
  last_email_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  dedupe_key text NOT NULL,
  facts jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  email_state text NOT NULL DEFAULT 'pending',
  webhook_state text NOT NULL DEFAULT 'pending'
);
CREATE UNIQUE INDEX notifications_pending_once ON notifications (user_id, dedupe_key) WHERE email_state = 'pending';
CREATE INDEX notifications_email_pending ON notifications (user_id, created_at) WHERE email_state = 'pending';
CREATE INDEX notifications_webhook_pending ON notifications (created_at) WHERE webhook_state = 'pending';
