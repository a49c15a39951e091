import { describe, expect, it } from 'vitest';
import { sharepointWebLink } from '../../../src/connectors/sharepoint/web-link.ts';

describe('SharePoint web links', () => {
  it("uses Graph's webUrl where the item has one, Lexbridge's open link for ids, nothing for browsing folders", () => {
    const webUrl = 'https://contoso.sharepoint.com/sites/Matter1001/Shared%20Documents/a.docx';
    expect(sharepointWebLink('c1', { id: 'b!x/01ABC', webUrl })).toBe(webUrl);
    expect(sharepointWebLink('c1', { id: 'b!x/01ABC' })).toBe('/api/connectors/c1/open?id=b!x%2F01ABC');
    expect(sharepointWebLink('c1', { id: 'b!x/root' })).toBe('/api/connectors/c1/open?id=b!x%2Froot');
    for (const id of ['', 'sites:followed', 'site:contoso.sharepoint.com,1,2', 'teams', 'team:t1'])
      expect(sharepointWebLink('c1', { id })).toBeNull();
  });
});
