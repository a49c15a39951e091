import { Body1, Button, Title3 } from '@fluentui/react-components';
import { useLocation } from 'react-router';
import { signInUrl } from '../api/session.ts';
import { CenteredCard } from './CenteredCard.tsx';

/** Shown when /api/me answers 401: one button that starts sign-in at the firm's identity provider. */
export function SignInPage() {
  const location = useLocation();
  const returnTo = `${location.pathname}${location.search}`;
  return (
    <CenteredCard>
      <Title3 as="h1">Sign in to Lexbridge</Title3>
      <Body1 as="p">
        Lexbridge connects your firm's document systems. Sign in with your firm account; your firm's identity
        provider decides what you may do here.
      </Body1>
      <Button appearance="primary" size="large" onClick={() => window.location.assign(signInUrl(returnTo))}>
        Sign in
      </Button>
    </CenteredCard>
  );
}
