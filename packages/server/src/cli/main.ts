import { ConfigError, loadConfig } from '../config/index.ts';
import { AppError } from '../errors.ts';
import { assertIdentityConfig } from '../identity/settings.ts';
import { openEmbeddedEarly } from '../store/embedded-opening.ts';

const usage = `Usage: lexbridge <command> [options]

Commands:
  start                     Everything locally on embedded defaults (server, workers, iManage and Graph emulators, demo sign-in)
  serve [--no-workers]      The HTTP API and web app; runs job workers in-process unless --no-workers
  worker                    Job workers only (needs DATABASE_URL: PostgreSQL shared with the server)
  migrate                   Apply database migrations and exit
  prepare                   One-off work after an install (the embedded database template); npm install runs it
  keys rotate               Re-encrypt every stored secret under the primary encryption key
  doctor <connector-id>     Diagnose connectivity to a connector's server
  doctor --imanage-compat <connector-id> [--user <e-mail>] [--json]
                            Report, read-only, how the firm's iManage Work Server behaves where Lexbridge depends on it
  workflows run <id> [--dry-run]  Run a workflow now and show its progress
  users hash-password      Print a password hash for the embedded identity provider's users file (password on stdin)
  emulator imanage [flags]  A standalone iManage Work Server emulator (see docs/imanage-emulator.md)
  emulator graph [flags]    A standalone Microsoft Graph + Entra sign-in emulator (see docs/graph-emulator.md)

Settings come from environment variables: see docs/configuration.md.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name ? 0 : 1;
  }
  // The servers begin opening their embedded database before they load the rest of their code
  // (commands.ts and all it imports): V8 compiles PGlite's WebAssembly in background threads while
  // the modules load, instead of after them (docs/operations.md, "Start-up time").
  const config = startsServer(name) ? loadConfig() : undefined;
  if (config) assertIdentityConfig(config); // a wrong set-up is refused before the data directory opens
  if (config?.embedded) openEmbeddedEarly(config.dataDir, config.PORT);
  const { commands } = await import('./commands.ts');
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage}`);
    return 2;
  }
  if (command.needsConfig === false) return command.run(rest);
  return command.run(rest, config ?? loadConfig());
}

const startsServer = (name: string) => name === 'serve' || name === 'start';

try {
  const code = await main(process.argv.slice(2));
  if (code !== -1) process.exitCode = code;
} catch (err) {
  if (err instanceof ConfigError || err instanceof AppError) {
    console.error(`lexbridge: ${err.message}${err instanceof AppError ? ` [${err.code}]` : ''}`);
  } else {
    console.error('lexbridge: unexpected failure', err);
  }
  process.exitCode = 1;
}
