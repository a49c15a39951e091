import { Button, Input, makeStyles, tokens } from '@fluentui/react-components';
import { SearchRegular } from '@fluentui/react-icons';
import { useState } from 'react';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  input: { flexGrow: 1, minWidth: 0 },
});

/**
 * Where a connector type's folder browser can search for sites by name, the folder that lists the
 * matches. SharePoint's browser lists "Sites I follow" and "All sites" at its top and answers
 * `sites:search:<text>` with the sites whose name matches (Graph's /sites?search=, in
 * connectors/sharepoint/locations.ts); other types have no sites.
 */
export function siteSearchFolder(type: string | undefined, text: string): string | undefined {
  return type === 'sharepoint' ? `sites:search:${text.trim()}` : undefined;
}

/**
 * The folders of SharePoint's browser above the document libraries (the top, the site lists, a site,
 * Teams, a team), which hold no documents: nothing is created in them (the server refuses too).
 */
export function holdsNoDocuments(type: string | undefined, folderId: string): boolean {
  return type === 'sharepoint' && (folderId === '' || /^(sites:|site:|teams$|team:)/.test(folderId));
}

/** Shown at the top of a SharePoint browser and among its sites: a name to search the sites by. */
export function showsSiteSearch(type: string | undefined, folderId: string): boolean {
  return type === 'sharepoint' && (folderId === '' || folderId.startsWith('sites:'));
}

export function SiteSearch({
  label,
  type,
  onSearch,
}: {
  label: string;
  type: string | undefined;
  onSearch(folderId: string): void;
}) {
  const styles = useStyles();
  const [text, setText] = useState('');
  const search = () => {
    const folder = text.trim() ? siteSearchFolder(type, text) : undefined;
    if (folder) onSearch(folder);
  };
  // Not a <form>: the browser sits inside the wizard's own form, and forms do not nest.
  return (
    <search className={styles.bar} aria-label={`Search ${label.toLowerCase()} sites`}>
      <Input
        className={styles.input}
        size="small"
        value={text}
        placeholder="Search sites by name"
        aria-label="Search sites by name"
        contentBefore={<SearchRegular />}
        onChange={(_e, data) => setText(data.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          search();
        }}
      />
      <Button size="small" disabled={!text.trim()} onClick={search}>
        Search
      </Button>
    </search>
  );
}
