/**
 * The iManage page a publish came from. "Publish with Lexbridge" opens /publish in a new tab, and only
 * that first load has the iManage page as document.referrer; signing in to Lexbridge or authorising
 * iManage comes back through redirects, after which the referrer is the identity provider or iManage's
 * sign-in page. So, before the app renders (and before the sign-in screen can send the browser away),
 * the origin goes into the address as `from`, which sign-in and authorisation keep in their returnTo.
 * The tab's sessionStorage remembers what the first load saw for this selection, so a later load of
 * the same selection in the tab never takes a sign-in page's referrer for the iManage origin.
 */
const storageKey = (ids: string) => `lexbridge.publish.origin:${ids}`;

/** What `from` /publish should carry, or null to leave the address as it is. Pure, for testing. */
export function publishOriginFor(
  location: { pathname: string; search: string; origin: string },
  referrer: string,
  remembered: string | null,
): { from: string | null; remember: string } | null {
  if (location.pathname !== '/publish') return null;
  const params = new URLSearchParams(location.search);
  const ids = params.get('ids');
  if (!ids || params.has('from')) return null;
  if (remembered !== null) return { from: remembered || null, remember: remembered };
  const origin = referrer && URL.canParse(referrer) ? new URL(referrer).origin : '';
  const from = origin && origin !== 'null' && origin !== location.origin ? origin : '';
  return { from: from || null, remember: from };
}

/** Called once before the app renders: adds `from` to /publish's address (replacing the history entry). */
export function keepPublishOrigin(): void {
  const params = new URLSearchParams(window.location.search);
  const ids = params.get('ids') ?? '';
  let remembered: string | null = null;
  try {
    remembered = window.sessionStorage.getItem(storageKey(ids));
  } catch {
    // storage may be unavailable (private modes, policies): the referrer alone decides
  }
  const decision = publishOriginFor(window.location, document.referrer, remembered);
  if (!decision) return;
  try {
    window.sessionStorage.setItem(storageKey(ids), decision.remember);
  } catch {
    // as above
  }
  if (!decision.from) return;
  params.set('from', decision.from);
  window.history.replaceState(
    window.history.state,
    '',
    `${window.location.pathname}?${params}${window.location.hash}`,
  );
}
