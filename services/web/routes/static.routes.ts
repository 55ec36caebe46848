import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router } from 'express';
import type { Assets } from '../../../views/page-context.js';

// The few static files the pages use, read once at start and served from memory. URLs carry a
// content hash, so browsers may cache them for a year and still see a new version at once.

const FILES = {
  css: { file: 'app.css', type: 'text/css; charset=utf-8' },
  app: { file: 'enhance.js', type: 'text/javascript; charset=utf-8' },
  ballot: { file: 'ballot.js', type: 'text/javascript; charset=utf-8' },
  icon: { file: 'favicon.svg', type: 'image/svg+xml' },
} as const;

/** views/static, found from the source tree or from a build under dist/. */
function staticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../../../views/static'), resolve(here, '../../../../views/static')];
  const found = candidates.find((d) => existsSync(join(d, 'app.css')));
  if (!found) throw new Error(`views/static not found (looked in ${candidates.join(', ')})`);
  return found;
}

interface StaticFile {
  body: Buffer;
  type: string;
  url: string;
}

export function loadStaticFiles(): { assets: Assets; files: Map<string, StaticFile> } {
  const dir = staticDir();
  const entries: Array<[keyof Assets, string, string, Buffer]> = Object.entries(FILES).map(([k, f]) =>
    [k as keyof Assets, f.file, f.type, readFileSync(join(dir, f.file))]);
  const htmxPath = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');
  entries.push(['htmx', 'htmx.min.js', 'text/javascript; charset=utf-8', readFileSync(htmxPath)]);

  const files = new Map<string, StaticFile>();
  const assets = {} as Assets;
  for (const [key, name, type, body] of entries) {
    const url = `/static/${name}?v=${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
    files.set(name, { body, type, url });
    assets[key] = url;
  }
  return { assets, files };
}

export function staticRoutes(files: Map<string, StaticFile>): Router {
  const router = Router();
  // Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon.
  router.get('/favicon.ico', (_req, res) => {
    const icon = files.get('favicon.svg')!;
    res.set('Cache-Control', 'public, max-age=86400').type(icon.type).send(icon.body);
  });
  router.get('/static/:name', (req, res, next) => {
    const file = files.get(req.params.name);
    if (!file) return next();
    const current = req.query.v !== undefined && file.url.endsWith(`?v=${String(req.query.v)}`);
    res.set('Cache-Control', current ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    res.set('X-Content-Type-Options', 'nosniff');
    res.type(file.type).send(file.body);
  });
  return router;
}
