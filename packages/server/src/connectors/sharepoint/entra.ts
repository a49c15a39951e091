/**
 * Microsoft Entra ID's sign-in errors in plain language. Entra answers OAuth errors with a standard
 * `error` and an `error_description` that starts with `AADSTS<number>:`; the number says what is
 * really wrong (Microsoft's "Microsoft Entra authentication and authorization error codes"). Each
 * problem Lexbridge knows gets a stable reason code, a sentence and the next step, and whether it
 * means the person must sign in again.
 */
export interface EntraProblem {
  /** Stable across releases: tests, logs and docs/connectors.md name problems by it. */
  reason: string;
  message: string;
  nextStep: string;
  /** The person's authorisation is no longer usable: the connection expires, workflows pause. */
  reauthorise: boolean;
}

const admin = 'A Connector Admin';

const problems: Record<number, EntraProblem> = {
  90002: {
    reason: 'tenant_not_found',
    message: 'Microsoft Entra ID does not know the Tenant ID of this connector (AADSTS90002).',
    nextStep: `${admin} should copy the Directory (tenant) ID from the app registration's Overview, and check the Microsoft cloud (global, US Government or China) in the advanced settings.`,
    reauthorise: false,
  },
  700016: {
    reason: 'app_not_found',
    message: 'No application with this Client Id exists in the tenant (AADSTS700016).',
    nextStep: `${admin} should copy the Application (client) ID from the app registration's Overview, and check that the Tenant ID is the tenant the app is registered in.`,
    reauthorise: false,
  },
  7000215: {
    reason: 'secret_invalid',
    message:
      "Microsoft Entra ID did not accept the connector's Secret Key (AADSTS7000215). Often the secret's ID was pasted instead of its Value.",
    nextStep: `${admin} should add a new client secret under Certificates & secrets, copy its Value (not the Secret ID) right away, and save it as the Secret Key.`,
    reauthorise: false,
  },
  7000222: {
    reason: 'secret_expired',
    message: "The connector's client secret has expired (AADSTS7000222).",
    nextStep: `${admin} should add a new client secret under Certificates & secrets, save its Value as the Secret Key, and note the new expiry date to renew it in time.`,
    reauthorise: false,
  },
  65001: {
    reason: 'consent_missing',
    message: 'Nobody has consented to the permissions Lexbridge asks for (AADSTS65001).',
    nextStep:
      'A Global or Privileged Role Administrator should open the app registration\'s API permissions and choose "Grant admin consent"; then authorise again.',
    reauthorise: true,
  },
  50105: {
    reason: 'user_not_assigned',
    message:
      'Your account is not assigned to the Lexbridge application, and the application only lets assigned users sign in (AADSTS50105).',
    nextStep:
      'Ask your Microsoft 365 administrator to assign you (or a group you are in) to the app under Enterprise applications > Users and groups; then authorise again.',
    reauthorise: true,
  },
  70008: {
    reason: 'grant_expired',
    message: 'Your sign-in has expired from inactivity (AADSTS70008).',
    nextStep: 'Choose Re-authorise on the Connectors page and sign in again.',
    reauthorise: true,
  },
  700082: {
    reason: 'grant_expired',
    message: 'Your sign-in has expired after 90 days without use (AADSTS700082).',
    nextStep: 'Choose Re-authorise on the Connectors page and sign in again.',
    reauthorise: true,
  },
  50173: {
    reason: 'grant_revoked',
    message:
      'Your sign-in was revoked, for example because your password was changed or an administrator signed you out everywhere (AADSTS50173).',
    nextStep: 'Choose Re-authorise on the Connectors page and sign in again.',
    reauthorise: true,
  },
  50076: {
    reason: 'mfa_required',
    message: 'Your organisation now requires multi-factor authentication for this sign-in (AADSTS50076).',
    nextStep: 'Choose Re-authorise on the Connectors page and complete the sign-in.',
    reauthorise: true,
  },
  53003: {
    reason: 'conditional_access',
    message: "A Conditional Access policy of your organisation blocked Lexbridge's access (AADSTS53003).",
    nextStep:
      'Ask your Microsoft 365 administrator whether Conditional Access allows the Lexbridge app from this server.',
    reauthorise: true,
  },
  50011: {
    reason: 'redirect_uri_mismatch',
    message: "The app registration does not list this Lexbridge server's redirect URL (AADSTS50011).",
    nextStep:
      "A Connector Admin should add this server's redirect URL (https://<host>/api/connectors/authorised) under the app registration's Authentication > Web > Redirect URIs.",
    reauthorise: false,
  },
};

/** The AADSTS number at the start of an Entra error description, if any. */
export function aadstsCode(description: string | undefined): number | undefined {
  const match = /AADSTS(\d+)/.exec(description ?? '');
  return match ? Number(match[1]) : undefined;
}

/** What an Entra error means, from its AADSTS number; undefined for numbers we have no words for. */
export function entraProblem(description: string | undefined): EntraProblem | undefined {
  const code = aadstsCode(description);
  return code === undefined ? undefined : problems[code];
}

/** The description's first line (Entra appends trace and correlation ids and a timestamp). */
export function firstLine(description: string | undefined): string {
  return (description ?? '').split(/\r?\n/)[0]?.trim() ?? '';
}

/**
 * Which token-endpoint errors mean the person must sign in again: invalid_grant (code or refresh
 * token expired, revoked, consent withdrawn, user unassigned) and interaction_required, and any
 * AADSTS number we know as such; anything else (bad secret, unknown app or tenant) is the connector's.
 */
export function classifyEntraTokenError(error: {
  code: string;
  description?: string;
}): 'reauthorise' | 'refused' {
  const problem = entraProblem(error.description);
  if (problem) return problem.reauthorise ? 'reauthorise' : 'refused';
  return error.code === 'invalid_grant' || error.code === 'interaction_required' ? 'reauthorise' : 'refused';
}
