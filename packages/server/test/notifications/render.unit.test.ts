import { describe, expect, it } from 'vitest';
import { outageNoticeDue } from '../../src/notifications/notify.ts';
import { renderEmail, renderNotices } from '../../src/notifications/render.ts';

describe('run.waiting', () => {
  const config = { LEXBRIDGE_NOTIFY_OUTAGE_MINUTES: 15 };
  const since = new Date('2030-01-01T10:00:00Z');

  it('is due once the outage has lasted the threshold', () => {
    expect(outageNoticeDue(config, since, new Date('2030-01-01T10:14:59Z'))).toBe(false);
    expect(outageNoticeDue(config, since, new Date('2030-01-01T10:15:00Z'))).toBe(true);
  });

  it('says which system, since when, and that the run carries on by itself', () => {
    const [notice] = renderNotices(
      [
        {
          type: 'run.waiting',
          dedupeKey: 'run.waiting:r1',
          createdAt: since,
          facts: {
            runId: 'r1',
            workflowId: 'w1',
            workflowName: 'Matter 7',
            system: 'iManage',
            since: since.toISOString(),
          },
        },
      ],
      'https://lexbridge.firm.com',
    );
    expect(notice).toMatchObject({
      title: '"Matter 7" is waiting for iManage',
      link: 'https://lexbridge.firm.com/workflows/w1/runs/r1',
    });
    expect(notice?.text).toContain('since 2030-01-01 10:00 UTC');
    expect(renderEmail(notice ? [notice] : [], 'https://lexbridge.firm.com').text).toContain(
      'https://lexbridge.firm.com/settings/notifications',
    );
  });
});
