import { Button, Input, Label, makeStyles, tokens } from '@fluentui/react-components';
import { CheckmarkRegular, CopyRegular } from '@fluentui/react-icons';
import { useId, useRef, useState } from 'react';

const useStyles = makeStyles({
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  input: { flexGrow: 1, minWidth: 0, fontFamily: tokens.fontFamilyMonospace },
  field: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  hint: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200, margin: 0 },
  status: { minWidth: '5em', color: tokens.colorPaletteGreenForeground1 },
});

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard access refused (e.g. plain http on another host): select the text so Ctrl+C works.
    input?.select();
    return false;
  }
}

/** A read-only value with a copy button, for values an administrator pastes into another system. */
export function CopyValue({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const styles = useStyles();
  const id = useId();
  const [copied, setCopied] = useState<'copied' | 'select' | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  return (
    <div className={styles.field}>
      <Label htmlFor={id}>{label}</Label>
      <div className={styles.row}>
        <Input
          id={id}
          className={styles.input}
          value={value}
          readOnly
          ref={inputRef}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
        <Button
          icon={copied === 'copied' ? <CheckmarkRegular /> : <CopyRegular />}
          aria-label={`Copy ${label}`}
          onClick={async () => setCopied((await copyText(value, inputRef.current)) ? 'copied' : 'select')}
        >
          Copy
        </Button>
        <span className={styles.status} aria-live="polite">
          {copied === 'copied' ? 'Copied' : copied === 'select' ? 'Press Ctrl+C' : ''}
        </span>
      </div>
      {hint && (
        <p id={`${id}-hint`} className={styles.hint}>
          {hint}
        </p>
      )}
    </div>
  );
}
