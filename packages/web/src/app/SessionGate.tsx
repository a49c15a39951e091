import { ApiError } from '../api/client.ts';
import { useMe } from '../api/session.ts';
import { ErrorBlock, FullPageLoading } from '../ui/states.tsx';
import { NoAccessPage } from './NoAccessPage.tsx';
import { Shell } from './Shell.tsx';
import { SignInPage } from './SignInPage.tsx';

/** Decides between the sign-in screen, the no-access page and the app, from GET /api/me. */
export function SessionGate() {
  const me = useMe();
  if (me.isPending) return <FullPageLoading label="Checking your sign-in…" />;
  if (me.isError) {
    const err = me.error;
    if (err instanceof ApiError && err.status === 401) return <SignInPage />;
    if (err instanceof ApiError && err.status === 403 && err.code !== 'csrf_token_invalid')
      return <NoAccessPage />;
    return (
      <main style={{ maxWidth: 640, margin: '10vh auto', padding: 24 }}>
        <ErrorBlock title="Lexbridge could not load" error={err} onRetry={() => void me.refetch()} />
      </main>
    );
  }
  if (me.data.user.roles.length === 0) return <NoAccessPage me={me.data} />;
  return <Shell me={me.data} />;
}
