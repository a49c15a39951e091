import { describe, expect, it } from 'vitest';
import { itemWebLink } from './web-links.ts';

describe('itemWebLink', () => {
  const imanage = { type: 'imanage', config: { serverAddress: 'https://dms.firm.example/' } };
  it('opens an iManage document at its latest version and a folder by its id', () => {
    expect(itemWebLink(imanage, 'ACTIVE!1160.latest', 'document')).toBe(
      'https://dms.firm.example/work/link/d/ACTIVE!1160',
    );
    expect(itemWebLink(imanage, 'ACTIVE!1160.2', 'document')).toBe(
      'https://dms.firm.example/work/link/d/ACTIVE!1160.2',
    );
    expect(itemWebLink(imanage, 'ACTIVE!F12', 'folder')).toBe(
      'https://dms.firm.example/work/link/f/ACTIVE!F12',
    );
  });
  it('gives a local folder item its file address, and nothing for systems without one or items without an id', () => {
    expect(
      itemWebLink({ type: 'local-folder', config: { path: '/srv/share' } }, 'A b/c.txt', 'document'),
    ).toBe('file:///srv/share/A%20b/c.txt');
    expect(itemWebLink({ type: 'sharepoint', config: {} }, 'd!1', 'document')).toBeNull();
    expect(itemWebLink(imanage, null, 'document')).toBeNull();
    expect(itemWebLink(undefined, 'x', 'document')).toBeNull();
  });
});
