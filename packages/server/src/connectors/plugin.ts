import type {
  AccountFact,
  AuthorisationResultCode,
  ConnectorField,
  DiagnosticStep,
} from '@lexbridge/contracts';
import type { Dispatcher } from 'undici';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log.ts';
import type { CompatibilityReport, ConnectionObservations } from './compatibility.ts';
import type { ContentItem, ContentStore } from './content.ts';

/**
 * The connector plug-in seam. A connector type is one folder under connectors/ exporting one
 * `ConnectorPlugin`, listed once in connectors/registry.ts. The plug-in owns everything that differs
 * between document systems; authorisation/, workflows/, publishing/, diagnostics/, the catalogue route
 * and the web app know a connector only through this interface.
 *
 * A plug-in never sees HTTP, the database or the encryption keys: the engine hands it its stored
 * settings (secrets already opened, parsed by the plug-in's own `settings.read`), the user's access to
 * the system (tokens renewed by the engine), and the server's configuration and logger.
 */
export interface ConnectorPlugin<Settings = unknown> {
  /** The type id stored with each connector (`imanage-onprem`); never changes once released. */
  id: string;
  label: string;
  description: string;
  /** How people name the system in messages ("iManage", "SharePoint"). */
  systemName: string;
  fields: ConnectorField[];
  /** How a location (a folder) is written where people type one, e.g. "The iManage folder id, e.g. ACTIVE!1234." */
  locationHint?: string;
  /** Whether this server can offer the type (e.g. "not configured on this server", and why). */
  availability(config: Config): Availability;
  settings: ConnectorSettings<Settings>;
  /** Present for systems where each user authorises Lexbridge with their own account (OAuth 2.0). */
  oauth?: ConnectorOAuth<Settings>;
  /**
   * For systems without `oauth`, where the system cannot tell people apart: who may read and who may
   * write through the connector, as its Connector Admins set it. The engine enforces it for workflows
   * (workflows/content-stores.ts). A type with neither `oauth` nor `usePolicy` is for Connector Admins only.
   */
  usePolicy?(connector: StoredConnector<Settings>): UsePolicy;
  /**
   * Opens the system's content as one user sees it, for workflows and publishing. `access` is the
   * user's authorisation for types with `oauth`, and undefined for the others.
   */
  openContentStore?(
    context: PluginContext,
    connector: StoredConnector<Settings>,
    access: UserAccess | undefined,
  ): Promise<ContentStore>;
  /**
   * Where people open an item in the system itself (an iManage folder's web link, a local folder's
   * file URL), e.g. for an archive's link file. Without it, the item's own `webUrl` is used, if any.
   */
  webLink?(connector: StoredConnector<Settings>, item: ContentItem): string | null;
  /** The connection test (POST /api/connectors/{id}/test, `lexbridge doctor`). */
  diagnostics?: ConnectorDiagnostics<Settings>;
  /**
   * `lexbridge doctor --<name> <connector>`: what the firm's real server does where the connector
   * depends on it, observed read-only with one person's authorisation (connectors/compatibility.ts).
   */
  compatibility?: {
    /** The flag that asks for it, e.g. `imanage-compat`. */
    name: string;
    run(
      context: PluginContext,
      connector: StoredConnector<Settings>,
      access: UserAccess,
      observed: ConnectionObservations,
    ): Promise<Omit<CompatibilityReport, 'connector' | 'generatedAt'>>;
  };
  /** Present for systems whose users send selections to Lexbridge (iManage's "Publish with Lexbridge"). */
  publishing?: PublishSource<Settings>;
  /**
   * What the system's administrators install or enter to register Lexbridge with it (iManage's
   * Control Center package and values), served at /api/integrations/{name}/setup and /package.
   */
  integration?: IntegrationKit;
}

/** A system's registration kit: the values to enter, and a package to install. */
export interface IntegrationKit {
  /** The URL segment that names it (`imanage`). */
  name: string;
  /** The values an administrator enters in the system for this Lexbridge server. */
  setup(config: Config): Record<string, unknown>;
  /**
   * The package to install, built for this server from the query's options.
   * @throws AppError validation_failed naming the option, for options it does not know.
   */
  package(
    config: Config,
    query: Record<string, unknown>,
  ): { fileName: string; contentType: string; bytes: Uint8Array };
}

/** How a system's publish command names what it sends, and how to recognise the connector it came from. */
export interface PublishSource<Settings> {
  /**
   * The key under which the engine knows a selected item (for a document, without its version, so a
   * new version updates the same published file). @throws AppError publish_selection_invalid, naming
   * the system's id format, for anything that is not an id of this system.
   */
  itemKey(id: string): string;
  /** The connector's address, matched against the origin of the page the command was chosen on. */
  address(connector: StoredConnector<Settings>): string | null;
  /** The value the command names the account's tenant by (iManage's customer id), from a stored account. */
  tenantOf(account: ExternalAccount): string | null;
}

/**
 * Who may use a connector without per-user authorisation. Each entry is a Lexbridge role
 * (`ConnectorAdmin`, `Admin`, `User`, `PluginUser`) or a person's email address. Whoever may write may
 * also read (a workflow looks at its target before writing); Connector Admins may always do both.
 */
export interface UsePolicy {
  read: readonly string[];
  write: readonly string[];
}

export interface Availability {
  available: boolean;
  reason?: string;
}

/** What a plug-in may use of the running server. */
export interface PluginContext {
  config: Config;
  log: Logger;
  /** Aborts when the work the plug-in serves stops (a cancelled run, a stopping worker): end every wait. */
  signal?: AbortSignal;
}

/** A stored connector as its plug-in sees it. */
export interface StoredConnector<Settings> {
  id: string;
  name: string;
  type: string;
  settings: Settings;
}

/** Settings as stored: the non-secret ones as JSON, the secret ones sealed (opened here). */
export interface StoredSettings {
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

export interface ConnectorSettings<Settings> {
  /**
   * Validates the form's values for a create (no `previous`) or an edit (merged over `previous`; an
   * empty secret keeps the stored one). Throws AppError connector_config_invalid naming the field.
   */
  parse(input: Record<string, unknown>, config: Config, previous?: StoredSettings): Promise<StoredSettings>;
  /** Reads stored settings back into the plug-in's own type (and the operator's configuration, where it supplies them). */
  read(stored: StoredSettings, config: Config): Settings;
  /**
   * Keys of settings whose change makes every user's authorisation meaningless (another server, another
   * application): changing one expires the connector's connections. Their field labels name them.
   */
  invalidatesAuthorisations: readonly string[];
}

/** How a system's users authorise Lexbridge (the authorization-code grant with PKCE). */
export interface ConnectorOAuth<Settings> {
  /** The authorization server of this connector, built from its settings. */
  authorizationServer(context: PluginContext, connector: StoredConnector<Settings>): AuthorizationServer;
  /**
   * Checked before the person is sent to the system's sign-in page, quickly and without signing
   * anyone in (the server answers; where it can tell, it accepts the Client Id and Secret Key): the
   * steps Test would show. With a `refusal` the engine keeps the person in Lexbridge and the
   * Connectors page shows the diagnosis instead of a browser error or the system's error page.
   */
  precheck?(context: PluginContext, connector: StoredConnector<Settings>): Promise<SignInCheck>;
  /**
   * Who a fresh token belongs to, asked of the system right after the code exchange. Throws an
   * AppError connector_unreachable when the system does not answer; any other failure is reported to
   * the user as account_lookup_failed.
   */
  lookUpAccount(
    context: PluginContext,
    connector: StoredConnector<Settings>,
    tokens: IssuedTokens,
  ): Promise<ExternalAccount>;
  /**
   * Which token-endpoint errors mean the user must authorise again (`reauthorise`: the connection
   * expires and the owner's workflows pause) rather than a refusal worth reporting as is (`refused`).
   * Without it, only invalid_grant means reauthorise.
   */
  classifyTokenError?(error: { code: string; description?: string }): 'reauthorise' | 'refused';
  /**
   * The OAuth error code of a token-endpoint answer that is not RFC 6749 JSON (another JSON shape, an
   * HTML page, an empty 401), or undefined for a transient failure. Without it such answers are
   * transient failures.
   */
  tokenErrorCode?(answer: { status: number; contentType: string; body: string }): string | undefined;
  /** Sentences in the system's own terms; the generic wording is used for any left out. */
  messages?: OAuthMessages;
}

/** What the check before sign-in found: its steps, and why sending the person on would fail. */
export interface SignInCheck {
  steps: DiagnosticStep[];
  /** The Connectors page's result code for the failure (server_unreachable, invalid_client, …); absent when nothing stops sign-in. */
  refusal?: AuthorisationResultCode;
}

export interface OAuthMessages {
  /** What to do when the server issued no refresh token, e.g. which setting of the application to turn on. */
  noRefreshToken?: string;
  /** The Connectors page's banner for authorisation results, where the system needs its own words. */
  results?: Partial<Record<AuthorisationResultCode, { message: string; nextStep: string }>>;
}

/** An OAuth 2.0 authorization server, as openid-client needs it (configured by hand: no discovery). */
export interface AuthorizationServer {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  clientAuthentication: 'client_secret_post' | 'client_secret_basic';
  scope: string;
  /** Extra parameters of the authorization request (e.g. `prompt`). */
  authorizationParameters?: Record<string, string>;
  /** The connector asks for a refresh token; its absence is reported to the user. */
  wantsRefreshToken: boolean;
  /** Carries the token requests (the connector's CA bundle, the outbound proxy). */
  dispatcher?: Dispatcher;
  /** The system's address, for messages and the audit log. */
  address: string;
}

export interface IssuedTokens {
  accessToken: string;
  scope?: string;
  idToken?: string;
}

/** The account in the system that a connection acts as (stored as JSON with the connection). */
export type ExternalAccount = {
  id: string;
  name: string | null;
  email: string | null;
  /** Shown to the user beside the account (e.g. "Customer id: 1"). */
  facts: AccountFact[];
  /** What the plug-in needs later (an API base URL, a tenant); never shown. */
  details: Record<string, unknown>;
};

/** A live access token and the account it acts as. */
export interface AccessGrant {
  accessToken: string;
  account: ExternalAccount;
}

/**
 * One user's authorisation of a connector, handed to its plug-in. Tokens are renewed by the engine
 * (single-flight, across processes); the plug-in only asks.
 */
export interface UserAccess {
  readonly connectorId: string;
  readonly userId: string;
  /**
   * The access token, renewed first when close to expiry.
   * @throws AppError connection_not_authorised | connection_expired | refresh_token_not_issued |
   *   token_refresh_failed | oauth_provider_error
   */
  current(): Promise<AccessGrant>;
  /** After the system rejected `staleAccessToken`: a renewed one, unless someone already replaced it. */
  renew(staleAccessToken: string): Promise<AccessGrant>;
  /**
   * After the system refused `rejectedAccessToken` even though it was just renewed: the engine records
   * the connection as expired (with the reason, `where` naming the refused request), so the person
   * sees it on the Connectors page and re-authorises. Nothing happens if the token was replaced meanwhile.
   */
  rejected?(rejectedAccessToken: string, where: string): Promise<void>;
}

export interface ConnectorDiagnostics<Settings> {
  /**
   * Checks, step by step, whether Lexbridge can use the connector, each failed step with advice.
   * With `access` (the test run as a user), also what that user's authorisation can do.
   */
  run(
    context: PluginContext,
    connector: StoredConnector<Settings>,
    access: UserAccess | undefined,
  ): Promise<DiagnosticsOutcome>;
}

export interface DiagnosticsOutcome {
  /** What was tested, for the report's heading: a server address, a folder. */
  target: string;
  steps: DiagnosticStep[];
  /** The system said the connector's client secret has expired (Connector Admins are told: secret.expiring). */
  secretExpired?: boolean;
}

/** Where every system's authorization server sends the browser back to (under the public URL). */
export const oauthCallbackPath = '/api/connectors/authorised';
