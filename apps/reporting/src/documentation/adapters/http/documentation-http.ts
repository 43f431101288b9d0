import type { Request, Response } from 'express';

/** The reviewer's pages carry a bearer secret in the URL: never cached, framed, or leaked by referrer. */
export function secure(res: Response): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
}

/** A page for browsers (GET, or a form post that accepts HTML); JSON for everything else. */
export function wantsHtml(req: Request): boolean {
  if (req.method === 'GET') return true;
  if (req.is('application/json') === 'application/json') return false;
  return req.accepts(['json', 'html']) === 'html';
}
