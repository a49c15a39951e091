import type { NotificationEventType } from '@lexbridge/contracts';

/**
 * The words of a notice and of a digest of notices: one title, one or two sentences saying what
 * happened and what to do, and a link to the page where it can be done. Built only from a notice's
 * facts (notify.ts), which hold nothing secret.
 */
export interface StoredNotice {
  type: string;
  dedupeKey: string;
  facts: Record<string, unknown>;
  createdAt: Date;
}

export interface RenderedNotice {
  type: string;
  title: string;
  text: string;
  link: string;
  at: string;
}

const str = (value: unknown, fallback = '') => (typeof value === 'string' ? value : fallback);
const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

type Renderer = (facts: Record<string, unknown>, publicUrl: string) => Omit<RenderedNotice, 'type' | 'at'>;

const renderers: Record<NotificationEventType, Renderer> = {
  'run.failed': (f, base) => {
    const name = str(f.workflowName, 'A workflow');
    const link = `${base}/workflows/${str(f.workflowId)}/runs/${str(f.runId)}`;
    if (f.status === 'failed') {
      return { title: `"${name}" failed`, text: str(f.error, 'The run stopped.'), link };
    }
    const failures = Array.isArray(f.firstFailures)
      ? (f.firstFailures as { path: string; error: string }[])
      : [];
    const first = failures.map((x) => `${x.path || 'an item'}: ${x.error}`).join('; ');
    return {
      title: `"${name}" finished with ${plural(num(f.failed), 'failure')}`,
      text: `${num(f.done)} of ${num(f.planned)} items done, ${num(f.failed)} failed.${first ? ` First: ${first}.` : ''} Open the run to retry or see the details.`,
      link,
    };
  },
  'run.waiting': (f, base) => ({
    title: `"${str(f.workflowName, 'A workflow')}" is waiting for ${str(f.system, 'a system')}`,
    text: `${str(f.system, 'A system')} has not answered since ${when(str(f.since))}. The run carries on by itself when it answers; nothing needs doing unless the outage lasts.`,
    link: `${base}/workflows/${str(f.workflowId)}/runs/${str(f.runId)}`,
  }),
  'connection.expired': (f, base) => {
    const paused = Array.isArray(f.pausedWorkflows) ? (f.pausedWorkflows as string[]) : [];
    return {
      title: `Re-authorise "${str(f.connectorName, 'a connector')}"`,
      text: `${str(f.reason, 'Your connection expired.')}${paused.length ? ` Paused until then: ${paused.map((n) => `"${n}"`).join(', ')}.` : ''} Choose Re-authorise on the Connectors page.`,
      link: `${base}/connectors`,
    };
  },
  'workflow.paused': (f, base) => ({
    title: `"${str(f.workflowName, 'A workflow')}" was paused`,
    text: str(f.reason, 'Lexbridge paused it.'),
    link: `${base}/workflows/${str(f.workflowId)}`,
  }),
  'secret.expiring': (f, base) => ({
    title: `The client secret of "${str(f.connectorName, 'a connector')}" expires ${when(str(f.expiresAt))}`,
    text: 'Create a new secret in the connected system, then enter it in Lexbridge (Connectors, Edit connector) before the old one expires.',
    link: `${base}/connectors`,
  }),
};

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? 'recently'
    : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Renders notices, dropping repeats of one key (several recipients' copies, or a second pause). */
export function renderNotices(notices: readonly StoredNotice[], publicUrl: string): RenderedNotice[] {
  const seen = new Set<string>();
  const out: RenderedNotice[] = [];
  for (const notice of notices) {
    const render = renderers[notice.type as NotificationEventType];
    if (!render || seen.has(notice.dedupeKey)) continue;
    seen.add(notice.dedupeKey);
    out.push({ type: notice.type, ...render(notice.facts, publicUrl), at: notice.createdAt.toISOString() });
  }
  return out;
}

/** One email for all of a person's waiting notices. */
export function renderEmail(
  notices: readonly RenderedNotice[],
  publicUrl: string,
): { subject: string; text: string } {
  const subject =
    notices.length === 1
      ? `Lexbridge: ${notices[0]!.title}`
      : `Lexbridge: ${notices.length} things need your attention`;
  const body = notices.map((n) => `${n.title}\n${n.text}\n${n.link}`).join('\n\n');
  return {
    subject,
    text: `${body}\n\n--\nChoose what Lexbridge emails you about: ${publicUrl}/settings/notifications\n`,
  };
}

/** The `text` of a webhook message (Teams and Slack show it as is). */
export function renderWebhookText(notices: readonly RenderedNotice[]): string {
  return notices.map((n) => `${n.title}: ${n.text} ${n.link}`).join('\n\n');
}
