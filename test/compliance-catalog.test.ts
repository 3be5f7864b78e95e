/**
 * The controls catalog against the Security Rule: every implementation specification of
 * 45 CFR 164.308–164.316 (and every standard that has none of its own) appears exactly once, marked
 * required or addressable as the rule marks it (Appendix A to Subpart C of Part 164), and each is
 * decided by a live check Ward has or by an attestation.
 */
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/compliance/catalog.js';
import { CHECKS } from '../src/compliance/checks/index.js';

const R = 'required';
const A = 'addressable';

/** The rule's specifications, from its text: citation → required (R) or addressable (A). */
const SPECIFICATIONS: Record<string, typeof R | typeof A> = {
  '164.308(a)(1)(ii)(A)': R, // Risk analysis
  '164.308(a)(1)(ii)(B)': R, // Risk management
  '164.308(a)(1)(ii)(C)': R, // Sanction policy
  '164.308(a)(1)(ii)(D)': R, // Information system activity review
  '164.308(a)(2)': R, // Assigned security responsibility (standard without specifications)
  '164.308(a)(3)(ii)(A)': A, // Authorization and/or supervision
  '164.308(a)(3)(ii)(B)': A, // Workforce clearance procedure
  '164.308(a)(3)(ii)(C)': A, // Termination procedures
  '164.308(a)(4)(ii)(A)': R, // Isolating health care clearinghouse functions
  '164.308(a)(4)(ii)(B)': A, // Access authorization
  '164.308(a)(4)(ii)(C)': A, // Access establishment and modification
  '164.308(a)(5)(ii)(A)': A, // Security reminders
  '164.308(a)(5)(ii)(B)': A, // Protection from malicious software
  '164.308(a)(5)(ii)(C)': A, // Log-in monitoring
  '164.308(a)(5)(ii)(D)': A, // Password management
  '164.308(a)(6)(ii)': R, // Response and reporting
  '164.308(a)(7)(ii)(A)': R, // Data backup plan
  '164.308(a)(7)(ii)(B)': R, // Disaster recovery plan
  '164.308(a)(7)(ii)(C)': R, // Emergency mode operation plan
  '164.308(a)(7)(ii)(D)': A, // Testing and revision procedures
  '164.308(a)(7)(ii)(E)': A, // Applications and data criticality analysis
  '164.308(a)(8)': R, // Evaluation (standard without specifications)
  '164.308(b)(3)': R, // Written contract or other arrangement
  '164.310(a)(2)(i)': A, // Contingency operations
  '164.310(a)(2)(ii)': A, // Facility security plan
  '164.310(a)(2)(iii)': A, // Access control and validation procedures
  '164.310(a)(2)(iv)': A, // Maintenance records
  '164.310(b)': R, // Workstation use (standard without specifications)
  '164.310(c)': R, // Workstation security (standard without specifications)
  '164.310(d)(2)(i)': R, // Disposal
  '164.310(d)(2)(ii)': R, // Media re-use
  '164.310(d)(2)(iii)': A, // Accountability
  '164.310(d)(2)(iv)': A, // Data backup and storage
  '164.312(a)(2)(i)': R, // Unique user identification
  '164.312(a)(2)(ii)': R, // Emergency access procedure
  '164.312(a)(2)(iii)': A, // Automatic logoff
  '164.312(a)(2)(iv)': A, // Encryption and decryption
  '164.312(b)': R, // Audit controls (standard without specifications)
  '164.312(c)(2)': A, // Mechanism to authenticate electronic PHI
  '164.312(d)': R, // Person or entity authentication (standard without specifications)
  '164.312(e)(2)(i)': A, // Integrity controls
  '164.312(e)(2)(ii)': A, // Encryption
  '164.314(a)(2)(i)': R, // Business associate contracts
  '164.314(a)(2)(ii)': R, // Other arrangements
  '164.314(a)(2)(iii)': R, // Business associate contracts with subcontractors
  '164.314(b)(2)': R, // Group health plans: plan documents
  '164.316(a)': R, // Policies and procedures (standard without specifications)
  '164.316(b)(2)(i)': R, // Time limit
  '164.316(b)(2)(ii)': R, // Availability
  '164.316(b)(2)(iii)': R, // Updates
};

describe('the controls catalog', () => {
  it('has every specification of 164.308–164.316 once, and nothing else', () => {
    const citations = CATALOG.map((c) => c.citation);
    expect(new Set(citations).size).toBe(citations.length);
    expect([...citations].sort()).toEqual(Object.keys(SPECIFICATIONS).sort());
  });

  it('marks each required or addressable as the rule does', () => {
    const wrong = CATALOG.filter((c) => SPECIFICATIONS[c.citation] !== c.kind).map((c) => c.citation);
    expect(wrong).toEqual([]);
  });

  it('decides each by a live check Ward has, or by an attestation', () => {
    const missing = CATALOG.filter((c) => c.check !== 'attestation' && !CHECKS.has(c.check)).map(
      (c) => `${c.id}: ${c.check}`,
    );
    expect(missing).toEqual([]);
    for (const c of CATALOG)
      if (c.responsibility === 'ward')
        expect(c.check, `${c.id} is Ward's, so Ward checks it`).not.toBe('attestation');
  });

  it('groups them by safeguard, in the order of the rule', () => {
    expect([...new Set(CATALOG.map((c) => c.safeguard))]).toEqual([
      'administrative',
      'physical',
      'technical',
      'organizational',
      'documentation',
    ]);
  });
});
