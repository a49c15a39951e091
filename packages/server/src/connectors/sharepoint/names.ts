import type { NameRules } from '../content.ts';

/**
 * SharePoint Online's naming rules ("Restrictions and limitations in OneDrive and SharePoint"), as
 * the engine's name rules: Windows' rules (`" * : < > ? / \ |`, trailing spaces and dots, CON, NUL,
 * COM0-9…) plus what SharePoint adds, applied predictably so the same source name always gives the
 * same target name (the engine records the original):
 * - leading spaces become `_`;
 * - `.lock` and `desktop.ini` get `_` before their extension (`_.lock`, `desktop_.ini`);
 * - `_vti_` anywhere becomes `_vti-`;
 * - a leading `~$` (Office's lock files) becomes `_$`.
 * A name is at most 255 bytes here. The 400-character limit on the whole path is checked by the store
 * before writing (path-limit.ts): such items are refused with a plain message, not shortened.
 */
export function sharepointName(name: string): string {
  let safe = name.replace(/^ +/, (lead) => '_'.repeat(lead.length));
  if (/^\.lock$/i.test(safe)) safe = `_${safe}`;
  if (/^desktop\.ini$/i.test(safe)) safe = `${safe.slice(0, 7)}_${safe.slice(7)}`;
  safe = safe.replace(/_vti_/gi, (found) => `${found.slice(0, 4)}-`);
  if (safe.startsWith('~$')) safe = `_${safe.slice(1)}`;
  return safe;
}

export const sharepointNameRules: NameRules = { windows: true, maxBytes: 255, adjust: sharepointName };
