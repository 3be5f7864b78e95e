/**
 * @module lib/schemas
 * Shapes that several domains' schemas share.
 */
import { z } from 'zod';

export const NAME_RULE = 'use 2 to 40 lowercase letters, digits and dashes, starting with a letter or digit';

/** Names of orgs, projects, sinks and the like: they appear in URLs, CLI arguments and connection strings. */
export const slugSchema = z
  .string()
  .min(2, `too short: ${NAME_RULE}`)
  .max(40, `too long: ${NAME_RULE}`)
  .regex(/^[a-z0-9][a-z0-9-]*$/, NAME_RULE);
