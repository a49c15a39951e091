import { describe, expect, it } from 'vitest';
import { parseDocumentClass, parseWorkspaceClasses, workspaceClassMap } from './document-classes.ts';
import { profileComment } from './items.ts';

describe('document classes', () => {
  it('normalises the connector class and the per-workspace lines, and reads them as a map', () => {
    expect(parseDocumentClass(undefined)).toBe('DOC');
    expect(parseDocumentClass(' pleading ')).toBe('PLEADING');
    const lines = parseWorkspaceClasses('ACTIVE!12 = pleading\r\n\n  ARCHIVE!7=CORR  ');
    expect(lines).toBe('ACTIVE!12 = PLEADING\nARCHIVE!7 = CORR');
    expect(workspaceClassMap(lines)).toEqual({ 'ACTIVE!12': 'PLEADING', 'ARCHIVE!7': 'CORR' });
  });

  it('refuses lines that are not WORKSPACE_ID = CLASS with a message that says which', () => {
    expect(() => parseWorkspaceClasses('ACTIVE!12 = DOC\nPleadings = DOC')).toThrow(/line 2/);
    expect(() => parseWorkspaceClasses('ACTIVE!12 = two words')).toThrow(/WORKSPACE_ID = CLASS/);
    expect(() => parseDocumentClass('no spaces please')).toThrow(/documentClass/);
  });
});

describe('profile comments', () => {
  it("says where a document came from, keeps the caller's comment, and stays within 254 characters", () => {
    expect(
      profileComment(undefined, { system: 'SharePoint', author: 'Adele Vance', modifiedBy: 'Alex Wilber' }),
    ).toBe('From SharePoint: author Adele Vance, modified by Alex Wilber');
    expect(profileComment(undefined, { system: 'iManage', author: 'John Smith' })).toBeUndefined();
    expect(profileComment('Conflict copy', { system: 'SharePoint', author: 'Adele Vance' })).toBe(
      'Conflict copy. From SharePoint: author Adele Vance',
    );
    const long = profileComment(undefined, { system: 'SharePoint', author: 'A'.repeat(400) })!;
    expect(long).toHaveLength(254);
    expect(long.endsWith('…')).toBe(true);
  });
});
