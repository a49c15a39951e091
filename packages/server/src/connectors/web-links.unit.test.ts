import { describe, expect, it } from 'vitest';
import { itemWebLink } from '../workflows/web-links.ts';
import { workWebLink } from './imanage/items.ts';
import { localFolderPlugin } from './local-folder/plugin.ts';
import type { ConnectorPlugin } from './plugin.ts';

describe('web links of items, through the plug-ins', () => {
  it('opens an iManage document at its latest version, a version by its id, and a folder by its id', () => {
    const server = 'https://dms.firm.example/';
    expect(workWebLink(server, { id: 'ACTIVE!1160.latest', kind: 'document' })).toBe(
      'https://dms.firm.example/work/link/d/ACTIVE!1160',
    );
    expect(workWebLink(server, { id: 'ACTIVE!1160.2', kind: 'document' })).toBe(
      'https://dms.firm.example/work/link/d/ACTIVE!1160.2',
    );
    expect(workWebLink(server, { id: 'ACTIVE!F12', kind: 'folder' })).toBe(
      'https://dms.firm.example/work/link/f/ACTIVE!F12',
    );
  });

  it('gives a local folder item its file address, and nothing for systems without webLink or items without an id', () => {
    const local = {
      plugin: localFolderPlugin as ConnectorPlugin,
      connector: { id: 'c', name: 'Share', type: localFolderPlugin.id, settings: { path: '/srv/share' } },
    };
    expect(itemWebLink(local, 'A b/c.txt', 'document')).toBe('file:///srv/share/A%20b/c.txt');
    const none = {
      plugin: { ...localFolderPlugin, webLink: undefined } as ConnectorPlugin,
      connector: local.connector,
    };
    expect(itemWebLink(none, 'd!1', 'document')).toBeNull();
    expect(itemWebLink(local, null, 'document')).toBeNull();
    expect(itemWebLink(undefined, 'x', 'document')).toBeNull();
  });
});
