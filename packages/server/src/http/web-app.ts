import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** packages/web/dist, which `npm run build` (and `npm start`, through its prestart) produces. */
export const defaultWebDistDir = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export interface WebAppOptions {
  /** The built web app (index.html and assets/). Defaults to packages/web/dist. */
  distDir?: string;
  /** This server's public URL; an https one turns on HSTS and upgrade-insecure-requests. */
  publicUrl?: string;
}

/**
 * The Content-Security-Policy of the web app: scripts, fonts, images and API calls from this origin
 * only, no framing, no plugins. Styles allow 'unsafe-inline' because Fluent UI injects its CSS at run
 * time (Griffel); script-src stays strict, which is what stops injected script.
 */
export function webAppCsp(https: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'upgrade-insecure-requests': https ? [] : null,
  };
}

const notBuiltPage = (distDir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lexbridge: web app not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:10vh auto;padding:0 1rem;color:#242424}code{background:#f0f0f0;padding:0 .25em}</style>
</head><body>
<h1>The Lexbridge web app has not been built</h1>
<p>This server is running and its API answers, but there is no web app in <code>${distDir.replace(/[<>&]/g, '')}</code>.</p>
<p>To fix it, run <code>npm run build</code> in the Lexbridge folder, then restart Lexbridge. (<code>npm start</code> builds it automatically.)</p>
</body></html>`;

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Serves the single-page web app at /: hashed files under /assets/ (cached for a year), and index.html
 * for every other GET that is neither an API path nor a file name, so client routes such as
 * /connectors or /publish load the app. Without a build it answers a page saying to run
 * `npm run build`. Security headers (CSP and the rest of helmet) apply to these responses.
 *
 * @example serve(lexbridge, { plugins: [webApp({ publicUrl: lexbridge.config.publicUrl })] })
 */
export function webApp(options: WebAppOptions = {}): (app: FastifyInstance) => Promise<void> {
  const distDir = options.distDir ?? defaultWebDistDir;
  const https = options.publicUrl?.startsWith('https:') ?? false;
  return async (app) => {
    await app.register(async (scope) => {
      if (!scope.hasReplyDecorator('helmet')) {
        await scope.register(helmet, {
          contentSecurityPolicy: { useDefaults: false, directives: webAppCsp(https) },
          strictTransportSecurity: https ? { maxAge: 31_536_000 } : false,
          crossOriginEmbedderPolicy: false,
          referrerPolicy: { policy: 'same-origin' },
        });
      }
      const assetsDir = join(distDir, 'assets');
      if (existsSync(assetsDir)) {
        await scope.register(fastifyStatic, {
          root: assetsDir,
          prefix: '/assets/',
          decorateReply: false,
          index: false,
          // Vite names every asset by its content hash, so a file never changes under its name.
          immutable: true,
          maxAge: '365d',
        });
      } else {
        app.log.warn({ distDir }, 'the web app is not built: run `npm run build`; / shows how');
      }

      let cached: { mtimeMs: number; html: string } | undefined;
      const indexHtml = async (): Promise<string | undefined> => {
        const file = join(distDir, 'index.html');
        const info = await stat(file).catch(() => undefined);
        if (!info) return undefined;
        if (cached?.mtimeMs !== info.mtimeMs)
          cached = { mtimeMs: info.mtimeMs, html: await readFile(file, 'utf8') };
        return cached.html;
      };

      const sendApp = async (request: FastifyRequest, reply: FastifyReply) => {
        const path = request.url.split('?')[0] ?? '/';
        if (isApiPath(path) || extname(path) !== '') return reply.callNotFound();
        const html = await indexHtml();
        reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
        if (html === undefined) return reply.status(503).send(notBuiltPage(distDir));
        return reply.send(html);
      };
      scope.get('/', sendApp);
      scope.get('/*', sendApp);
    });
  };
}
