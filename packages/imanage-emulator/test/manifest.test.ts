import { describe, expect, it } from 'vitest';
import { ImanageManifestError, parseImanageManifest } from '../../contracts/src/imanage-manifest.ts';

const VALID = `schema_version: 1
name: Lexbridge
redirect_urls: [https://lexbridge.example/api/connectors/authorised]
allow_refresh_token: true
settings:
  - key: lexbridge_url
    label: Lexbridge address
    required: true
context_menu:
  - id: publish
    label: Publish with Lexbridge
    url: "{settings.lexbridge_url}/plugin/imanage/publish"
    targets: [document, folder]
    multi_select: true
`;

function problems(yaml: string): string[] {
  try {
    parseImanageManifest(yaml);
    return [];
  } catch (error) {
    if (error instanceof ImanageManifestError) return error.issues;
    throw error;
  }
}

describe('parseImanageManifest', () => {
  it('parses a valid manifest and fills defaults', () => {
    const manifest = parseImanageManifest(VALID);
    expect(manifest).toMatchObject({
      name: 'Lexbridge',
      description: '',
      application_type: 'web',
      allow_refresh_token: true,
      rotate_refresh_token: false,
      access_token_minutes: 30,
      refresh_token_days: 365,
    });
    expect(manifest.client_id).toBeUndefined();
    expect(manifest.settings[0]).toEqual({
      key: 'lexbridge_url',
      label: 'Lexbridge address',
      required: true,
      type: 'text',
    });
    expect(manifest.context_menu[0]).toMatchObject({
      open_in: 'new_tab',
      multi_select: true,
      targets: ['document', 'folder'],
    });
  });

  it('names every problem with its path', () => {
    const found = problems(`schema_version: 2
name: ""
redirect_urls: [ftp://x]
colour: blue
context_menu:
  - id: a
    label: A
    url: "{settings.missing}/x"
    targets: [email]
  - id: a
    label: B
    url: relative/path
    targets: [document]
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schema_version:/),
        expect.stringMatching(/^name:/),
        expect.stringMatching(/^redirect_urls\.0:/),
        expect.stringContaining('colour'),
        expect.stringMatching(/^context_menu\.0\.targets\.0:/),
      ]),
    );
  });

  it('checks placeholders, duplicate ids and URL shape after the schema passes', () => {
    const found = problems(`schema_version: 1
name: X
context_menu:
  - {id: a, label: A, url: "{settings.missing}/x", targets: [document]}
  - {id: a, label: B, url: "relative/path", targets: [document]}
`);
    expect(found).toEqual([
      'context_menu.0.url: uses {settings.missing} but no setting with key "missing" is declared',
      'context_menu.1.id: duplicate id "a"',
      'context_menu.1.url: must be an absolute http(s) URL once {settings.*} placeholders are filled in',
    ]);
  });

  it('rejects text that is not YAML or not a mapping', () => {
    expect(problems('name: [unclosed')[0]).toMatch(/^not valid YAML/);
    expect(problems('- just\n- a list')[0]).toContain('mapping');
  });
});
