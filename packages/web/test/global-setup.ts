// @ts-expect-error: a plain ES module without types, shared with `npm start`'s prestart.
import { ensureWebBuilt } from '../scripts/ensure-built.mjs';

/** The browser tests run against the built app that Lexbridge serves: build it when it is stale. */
export default function setup(): void {
  (ensureWebBuilt as (options: { log: (line: string) => void }) => { built: boolean })({
    log: (line) => console.log(line),
  });
}
