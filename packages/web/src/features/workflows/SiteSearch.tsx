import { Button, Input, makeStyles, tokens } from '@fluentui/react-components';
import { SearchRegular } from '@fluentui/react-icons';
import type { LocationListing } from '@lexbridge/contracts';
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

/** The folder that lists the sites matching `text`, from the listing's `siteSearch.folderId` template. */
export function siteSearchFolder(template: string, text: string): string {
  return template.replace('{text}', text.trim());
}

/**
 * A search for sites by name, where the open folder's listing offers one (`siteSearch` of
 * GET /api/workflows/locations): searching opens the folder of the matches.
 */
export function SiteSearch({
  label,
  search: offered,
  onSearch,
}: {
  /** "Source" or "Target": names the region for screen readers. */
  label: string;
  search: NonNullable<LocationListing['siteSearch']>;
  onSearch(folderId: string): void;
}) {
  const styles = useStyles();
  const [text, setText] = useState('');
  const search = () => {
    if (text.trim()) onSearch(siteSearchFolder(offered.folderId, text));
  };
  // Not a <form>: the browser sits inside the wizard's own form, and forms do not nest.
  return (
    <search className={styles.bar} aria-label={`Search ${label.toLowerCase()} sites`}>
      <Input
        className={styles.input}
        size="small"
        value={text}
        placeholder={offered.label}
        aria-label={offered.label}
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
