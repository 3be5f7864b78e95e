/**
 * What the README walk (test/readme.test.ts) fills in for the incident commands: the ids they
 * print, dates relative to today (so no deadline has passed and the oral hold is over whenever the
 * walk runs), and the files the reader brings (their own assessment and letter content).
 */

type Printed = (walk: unknown, re: RegExp, what: string) => string;

export const INCIDENT_PLACEHOLDERS = (printed: Printed) => [
  {
    text: 'inc_…',
    why: 'the id `ward incident create` printed',
    value: (walk: unknown) => printed(walk, /Incident (inc_[a-z2-7]{16}) recorded/, 'an incident id'),
  },
  {
    text: 'ltr_…',
    why: 'the id `ward incident notice draft` printed',
    value: (walk: unknown) => printed(walk, /Notice (ltr_[a-z2-7]{16})/, 'a notice id'),
  },
  {
    text: '2026-11-20',
    why: 'the day someone first knew of the breach: ten days ago, so no deadline has passed',
    value: () => new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10),
  },
  {
    text: '2026-10-01',
    why: "an oral law-enforcement statement sixty days ago: its 30 days' hold is over",
    value: () => new Date(Date.now() - 60 * 86_400_000).toISOString().slice(0, 10),
  },
];

export const INCIDENT_FILES: Record<string, { why: string; content: string }> = {
  'assessment.json': {
    why: "the org's own 164.402 risk assessment",
    content: `${JSON.stringify({
      factors: {
        nature: {
          finding: 'names and diagnoses',
          evidence: 'the table exported',
          supports_low_probability: false,
          identifiers: ['name', 'diagnosis'],
          reidentification: 'certain',
        },
      },
      unsecured: true,
    })}\n`,
  },
  'notice.json': {
    why: "the letter's content, which only the org can write",
    content: `${JSON.stringify({
      description: 'A laptop holding a copy of the appointments table was stolen from the clinic.',
      phi_types: ['names', 'appointment dates'],
      steps: 'Review the statements from your health plan and report anything you do not recognize.',
      org_actions: 'We reported the theft, encrypted every laptop and retrained staff.',
      contact: { toll_free: '1-800-555-0100', email: 'privacy@acme.test' },
    })}\n`,
  },
};
