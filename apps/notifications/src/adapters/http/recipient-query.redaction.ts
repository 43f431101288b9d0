import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';

/** `?recipient=ann@example.com` → `?recipient=***`, for any occurrence of the parameter. */
export function maskRecipientQuery(url: string): string {
  return url.replace(/([?&]recipient=)[^&#]*/gi, '$1***');
}

/**
 * Keeps the email address that `GET /v1/notifications?recipient=` carries out
 * of the request log. The log prints `req.originalUrl` and captures it when the
 * logging middleware runs, before any Nest middleware of this module could
 * act, so the mask is mounted on the Express app while the module is being
 * built: ahead of everything Nest mounts at init. Routing and query parsing
 * read `req.url`, which stays intact.
 * Remove once the platform's log serializer masks query strings itself.
 */
@Injectable()
export class RecipientQueryRedaction {
  constructor(adapterHost: HttpAdapterHost) {
    const app = adapterHost.httpAdapter?.getInstance<{ use?: (handler: (req: Request, res: Response, next: NextFunction) => void) => void }>();
    app?.use?.((req, _res, next) => {
      if (req.originalUrl && /[?&]recipient=/i.test(req.originalUrl)) req.originalUrl = maskRecipientQuery(req.originalUrl);
      next();
    });
  }
}
