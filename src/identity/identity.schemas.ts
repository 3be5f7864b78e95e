/**
 * @module identity/schemas
 * Request and response shapes for people, sign-in and tokens; shared by the HTTP edge and the
 * OpenAPI document.
 */
import { z } from 'zod';
import { hasControlCharacters } from '../lib/text.js';
import { SCOPE_NAMES, type Scope } from '../policy/index.js';
import { PASSWORD_MAX } from './passwords.js';

const noControl = (s: string) => !hasControlCharacters(s);

export const emailSchema = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .refine(noControl, 'must not contain control characters')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must look like name@domain');

export const displayName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(noControl, 'must not contain control characters');

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z
    .string()
    .min(1)
    .max(PASSWORD_MAX * 4),
  /** The current TOTP code, or a recovery code, for an account with two-step verification. */
  totp: z.string().trim().min(6).max(24).optional(),
});

export const loginResponse = z.object({
  token: z.string(),
  expires_at: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), operator: z.boolean() }),
});

export const createUserBody = z.strictObject({
  email: emailSchema,
  name: displayName,
  /** Omitted: Ward generates one and returns it once, as `initial_password`. */
  password: z
    .string()
    .max(PASSWORD_MAX * 4)
    .optional(),
  operator: z.boolean().optional(),
});

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  operator: z.boolean(),
  disabled: z.boolean(),
  created_at: z.string(),
});

/** A new account; `initial_password` only when Ward generated it, and only in this answer. */
export const createdUserView = userView.extend({ initial_password: z.string().optional() });

export const TOKEN_MAX_DAYS = 365;

export const createTokenBody = z
  .strictObject({
    name: z.string().trim().min(1).max(64).refine(noControl, 'must not contain control characters'),
    expires_at: z.iso.datetime({ offset: true }).optional(),
    expires_in_days: z.number().int().min(1).max(TOKEN_MAX_DAYS).optional(),
    scopes: z
      .array(z.enum(SCOPE_NAMES as [Scope, ...Scope[]]))
      .min(1)
      .max(SCOPE_NAMES.length)
      .optional(),
  })
  .refine((b) => (b.expires_at === undefined) !== (b.expires_in_days === undefined), {
    message: `a token must expire: give exactly one of expires_at or expires_in_days (at most ${TOKEN_MAX_DAYS} days)`,
  });

export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  scopes: z.array(z.string()),
});

export const createdToken = tokenView.extend({ token: z.string() });

export const userId = z.object({
  id: z.string().regex(/^usr_[a-z2-7]{16}$/, 'an account id looks like usr_ followed by 16 characters'),
});

export const totpCodeBody = z.strictObject({ code: z.string().trim().min(6).max(24) });

export const totpEnrollment = z.object({ secret: z.string(), otpauth_uri: z.string(), qr_svg: z.string() });

export const mfaStatus = z.object({
  totp: z.enum(['off', 'pending', 'enabled']),
  recovery_codes_left: z.number(),
  required: z.boolean(),
  session_mfa: z.boolean(),
});

export const sessionView = z.object({
  user: userView,
  expires_at: z.string(),
  idle_minutes: z.number().nullable(),
  mfa: z.boolean(),
  mfa_required: z.boolean(),
});

export type LoginBody = z.infer<typeof loginBody>;
export type CreateUserBody = z.infer<typeof createUserBody>;
export type CreateTokenBody = z.infer<typeof createTokenBody>;
export type UserView = z.infer<typeof userView>;
export type TokenView = z.infer<typeof tokenView>;
