/**
 * @module certificates/schemas
 * Certificate of destruction shapes.
 */
import { z } from 'zod';

export const certificateRef = z
  .string()
  .regex(/^(crt|prj)_[a-z2-7]{16}$/, 'a certificate id (crt_…) or the destroyed project’s id (prj_…)');

export const certificateSummary = z.object({
  id: z.string(),
  project_id: z.string(),
  project_name: z.string(),
  issued_at: z.string(),
  key_id: z.string(),
});

export const certificateView = certificateSummary.extend({
  /** The certificate, parsed from `document`. */
  certificate: z.record(z.string(), z.unknown()),
  /** The exact bytes that were signed: RFC 8785 canonical JSON. */
  document: z.string(),
  /** Ed25519 signature over `document`, base64. */
  signature: z.string(),
  /** Ward's public key (SPKI PEM) that verifies it. */
  public_key: z.string(),
});

export type CertificateSummary = z.infer<typeof certificateSummary>;
export type CertificateView = z.infer<typeof certificateView>;
