import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../../../shared/config/config.js';
import { randomToken } from '../../../shared/crypto/random-token.js';

/**
 * helmet with a nonce-based CSP. Pages load scripts only from this origin and only with the
 * response's nonce; there are no inline scripts or style attributes (htmx's indicator styles are
 * turned off in the layout's htmx-config). Forms may post here and to GitHub (the OAuth start
 * redirects there, and browsers check form-action on redirects).
 */
export function securityHeaders(config: Config): RequestHandler[] {
  const https = config.appUrl.startsWith('https:');
  const github = new URL(config.github.baseUrl).origin;
  return [
    (_req, res, next) => {
      res.locals.cspNonce = randomToken(16);
      next();
    },
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as unknown as { locals: { cspNonce: string } }).locals.cspNonce}'`],
          styleSrc: ["'self'"],
          // Candidate bios may show pictures hosted elsewhere (https only, see render-markdown).
          imgSrc: ["'self'", 'https:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          formAction: ["'self'", github],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
    }),
  ];
}
