import { z } from 'zod';

export const ROLES = ['business', 'processor', 'analyst', 'integrity'] as const;
export type Role = (typeof ROLES)[number];

/** The claims of a platform API token (DESIGN.md 3.3). */
export const claimsSchema = z
  .object({
    sub: z.string().min(1).max(200),
    role: z.enum(ROLES),
    businessId: z.string().min(1).max(200).optional(),
    exp: z.number().int(),
  })
  .refine((c) => (c.role === 'business' || c.role === 'processor' ? !!c.businessId : true), {
    message: 'business and processor tokens must name a businessId',
    path: ['businessId'],
  });

/** Who is calling, as proven by a verified token. */
export interface Principal {
  sub: string;
  role: Role;
  businessId?: string;
}
