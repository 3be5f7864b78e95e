/**
 * @module keys/hsm/schemas
 * The API's shapes for an org's root key in its own HSM (PKCS#11): what an owner sends to set it
 * up (the PIN only ever travels inward) and what anyone allowed to read the org's keys sees.
 */
import { z } from 'zod';

export const setHsmBody = z.strictObject({
  module: z
    .string()
    .min(2)
    .max(500)
    .regex(/^\/[^\0]*$/, 'an absolute path to a PKCS#11 library that ward.yaml hsm_modules allows'),
  token: z.string().min(1).max(32),
  key_label: z.string().min(1).max(128),
  pin: z.string().min(1).max(256),
});
export type SetHsmBody = z.infer<typeof setHsmBody>;

export const hsmView = z.object({
  org_id: z.string(),
  /** `ward`: Ward's own root key wraps the org keys; `hsm`: the org's HSM key does. */
  root: z.enum(['ward', 'hsm']),
  /** The id recorded as wrapped_by on the org keys. */
  keystore_id: z.string(),
  hsm: z
    .object({
      module: z.string(),
      token: z.string(),
      key_label: z.string(),
      state: z.enum(['available', 'unavailable']),
      /** Why the key cannot be used, while it is unavailable. */
      reason: z.string().nullable(),
      state_since: z.string(),
      created_at: z.string(),
    })
    .nullable(),
  /** How many org keys were re-wrapped (set and remove only). */
  rewrapped: z.number().optional(),
});
export type HsmView = z.infer<typeof hsmView>;
