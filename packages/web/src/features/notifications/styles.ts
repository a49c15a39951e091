import { makeStyles, tokens, typographyStyles } from '@fluentui/react-components';

/** The notification settings page's layout, shared by its two sections. */
export const useNotificationStyles = makeStyles({
  section: { marginBottom: tokens.spacingVerticalXXL, maxWidth: '48rem' },
  heading: { ...typographyStyles.subtitle1, margin: `0 0 ${tokens.spacingVerticalS}` },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: tokens.spacingVerticalS },
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) auto',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  hint: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  notice: { marginBottom: tokens.spacingVerticalM },
  digest: { marginTop: tokens.spacingVerticalM, alignItems: 'end' },
  webhook: { marginTop: tokens.spacingVerticalXXL },
  fields: { display: 'grid', gap: tokens.spacingVerticalM },
  fieldset: { border: 'none', margin: 0, padding: 0, display: 'grid' },
});
