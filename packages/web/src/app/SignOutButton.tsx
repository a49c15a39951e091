import { Button } from '@fluentui/react-components';
import { SignOutRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { api } from '../api/client.ts';

/**
 * Ends the Lexbridge session (POST /api/auth/logout) and follows the identity provider's sign-out page
 * when it names one. Even if the call fails, the page reloads so nothing stale stays on screen.
 */
export function SignOutButton({ appearance = 'subtle' }: { appearance?: 'subtle' | 'secondary' }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      appearance={appearance}
      icon={<SignOutRegular />}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        let target = '/';
        try {
          const result = await api<{ redirectTo?: string } | undefined>('/api/auth/logout', {
            method: 'POST',
          });
          if (result?.redirectTo) target = result.redirectTo;
        } catch {
          // The session may already be gone; reloading shows the sign-in screen either way.
        }
        window.location.assign(target);
      }}
    >
      Sign out
    </Button>
  );
}
