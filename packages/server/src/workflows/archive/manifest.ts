/**
 * The archive manifest: one CSV row per archived document (source path, size, sha256, the target's id
 * and version, as the target system names them, and when it was verified), stored in the archive's target
 * beside what was copied. The columns name no system: the target may be any connector.
 */
export interface ManifestRow {
  sourcePath: string;
  size: number;
  /** Lower-case hex sha256 of the bytes written to the target. */
  sha256: string;
  targetId: string;
  targetVersion: string;
  archivedAt: string;
}

export const manifestColumns = [
  'source_path',
  'size',
  'sha256',
  'target_id',
  'target_version',
  'archived_at',
] as const;

/** The manifest's name in the target: fixed per run, so that a resumed run finds the one it wrote. */
export function manifestName(run: { id: string; createdAt: Date }): string {
  const stamp = run.createdAt.toISOString().slice(0, 16).replace('T', ' ').replace(':', '.');
  return `Archive manifest ${stamp} UTC (run ${run.id.slice(0, 8)}).csv`;
}

function field(value: string): string {
  // A leading =, +, - or @ would make a spreadsheet read a formula: such values are quoted with a tick.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function manifestCsv(rows: ManifestRow[]): string {
  const lines = [manifestColumns.join(',')];
  for (const r of [...rows].sort((a, b) => a.sourcePath.localeCompare(b.sourcePath)))
    lines.push(
      [r.sourcePath, String(r.size), r.sha256, r.targetId, r.targetVersion, r.archivedAt]
        .map(field)
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads a manifest this module wrote (a resumed run adds to the one its earlier attempt stored). */
export function parseManifest(text: string): ManifestRow[] {
  const records: string[][] = [];
  let record: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (c === '"') quoted = false;
      else value += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(value);
      value = '';
    } else if (c === '\n') {
      record.push(value.replace(/\r$/, ''));
      records.push(record);
      record = [];
      value = '';
    } else value += c;
  }
  if (value || record.length) records.push([...record, value]);
  const unformula = (v: string) => (/^'[=+\-@]/.test(v) ? v.slice(1) : v);
  return records.slice(1).flatMap((r) =>
    r.length < manifestColumns.length
      ? []
      : [
          {
            sourcePath: unformula(r[0]!),
            size: Number(r[1]),
            sha256: r[2]!,
            targetId: unformula(r[3]!),
            targetVersion: unformula(r[4]!),
            archivedAt: r[5]!,
          },
        ],
  );
}
