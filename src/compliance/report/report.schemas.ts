/**
 * @module compliance/report/schemas
 * The signed compliance report's API shapes (zod): a report's id, its summary in listings, and
 * the signed file (the canonical JSON document, its signature, Ward's public key and key id).
 */
import { z } from 'zod';

export const reportId = z.string().regex(/^rpt_[a-z2-7]{16}$/, 'a report id (rpt_…)');

export const reportSummary = z.object({
  id: z.string(),
  issued_at: z.string(),
  required_score: z.number(),
  addressable_score: z.number(),
  required_met: z.boolean(),
  sha256: z.string().describe('SHA-256 of the signed JSON document'),
  key_id: z.string().describe("the id of Ward's signing key"),
});

export const signedReportView = z.object({
  id: z.string(),
  document: z
    .string()
    .describe(
      'the report (type ward.compliance-report): RFC 8785 canonical JSON, the exact bytes that were signed',
    ),
  signature: z.string().describe('Ed25519 signature over `document`, base64'),
  public_key: z
    .string()
    .describe("Ward's public key (SPKI PEM); pin it from GET /api/v1/audit/public-key to prove the issuer"),
  key_id: z.string(),
});

export type ReportSummary = z.infer<typeof reportSummary>;
export type SignedReportView = z.infer<typeof signedReportView>;
