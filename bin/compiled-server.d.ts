/** A hash over the server's sources: the name of its compiled build's folder in packages/server/dist. */
export function serverSourceHash(): string;
/** The compiled server's main.js, built first when the sources changed since the last build. */
export function compiledServer(options?: { log?: (line: string) => void }): Promise<string>;
