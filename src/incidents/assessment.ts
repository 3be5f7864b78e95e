/**
 * @module incidents/assessment
 * The risk assessment of 45 CFR 164.402: an acquisition, access, use or disclosure of PHI not
 * permitted by the Privacy Rule is presumed a breach unless (1) one of the three exclusions of
 * 164.402(1) applies, or (2) a documented assessment of at least the four factors of 164.402(2)
 * shows a low probability that the PHI has been compromised. PHI secured per HHS guidance
 * (encrypted, key not compromised) is not "unsecured PHI" and needs no notice (164.402, 164.404(a)).
 * `determine` is the one rule; it is pure.
 */

export const FACTORS = ['nature', 'recipient', 'acquired', 'mitigation'] as const;
export type FactorName = (typeof FACTORS)[number];

export const FACTOR_TITLES: Record<FactorName, string> = {
  nature:
    'the nature and extent of the PHI involved, including the types of identifiers and the likelihood of re-identification (164.402(2)(i))',
  recipient: 'the unauthorized person who used the PHI or to whom it was disclosed (164.402(2)(ii))',
  acquired: 'whether the PHI was actually acquired or viewed (164.402(2)(iii))',
  mitigation: 'the extent to which the risk to the PHI has been mitigated (164.402(2)(iv))',
};

export const EXCLUSIONS = ['i', 'ii', 'iii'] as const;
export type ExclusionName = (typeof EXCLUSIONS)[number];

export const EXCLUSION_TITLES: Record<ExclusionName, string> = {
  i: 'unintentional acquisition, access or use by a workforce member or person acting under the authority of the entity, in good faith, within scope, not further used or disclosed (164.402(1)(i))',
  ii: 'inadvertent disclosure by a person authorized to access PHI to another person authorized at the same entity, business associate or organized health care arrangement, not further used or disclosed (164.402(1)(ii))',
  iii: 'a good faith belief that the unauthorized person would not reasonably have been able to retain the information (164.402(1)(iii))',
};

export interface Factor {
  finding: string;
  evidence: string;
  /** Whether this factor's finding supports a low probability that the PHI was compromised. */
  supports_low_probability: boolean;
  /** Factor (i) only: the types of identifiers involved. */
  identifiers?: string[];
  /** Factor (i) only: how likely re-identification is. */
  reidentification?: string;
}

export interface Exclusion {
  applies: boolean;
  basis: string;
}

export interface Assessment {
  factors: Partial<Record<FactorName, Factor>>;
  exclusions: Partial<Record<ExclusionName, Exclusion>>;
  /**
   * Whether the PHI was unsecured. `false` means it was encrypted as HHS guidance specifies and
   * its key was not compromised; `secured_basis` must then say how.
   */
  unsecured: boolean;
  secured_basis?: string;
}

export interface Determination {
  determination: 'breach' | 'not_a_breach';
  /** Why, in one sentence citing the rule. */
  reason: string;
  /** What would be needed to conclude otherwise (factors not recorded, and so on). */
  open: string[];
}

const hasText = (s: string | undefined): s is string => typeof s === 'string' && s.trim().length > 0;

export function determine(a: Assessment | null): Determination {
  if (!a)
    return {
      determination: 'breach',
      reason: 'no risk assessment is recorded: a breach is presumed (164.402(2))',
      open: FACTORS.map((f) => `factor ${f}`),
    };
  if (!a.unsecured && hasText(a.secured_basis))
    return {
      determination: 'not_a_breach',
      reason: `the PHI was secured (${a.secured_basis.trim()}): it is not unsecured PHI, so no notice is required (164.402, 164.404(a))`,
      open: [],
    };
  for (const name of EXCLUSIONS) {
    const e = a.exclusions[name];
    if (e?.applies && hasText(e.basis))
      return {
        determination: 'not_a_breach',
        reason: `exclusion 164.402(1)(${name}) applies: ${e.basis.trim()}`,
        open: [],
      };
  }
  const open: string[] = [];
  if (!a.unsecured && !hasText(a.secured_basis))
    open.push('the basis for the PHI being secured (encryption per HHS guidance, key not compromised)');
  for (const name of FACTORS) {
    const f = a.factors[name];
    if (!f || !hasText(f.finding) || !hasText(f.evidence)) open.push(`factor ${name}: finding and evidence`);
    else if (!f.supports_low_probability) open.push(`factor ${name} does not support a low probability`);
  }
  const nature = a.factors.nature;
  if (nature && (!nature.identifiers?.length || !hasText(nature.reidentification)))
    open.push('factor nature: the identifiers involved and the likelihood of re-identification');
  if (open.length === 0)
    return {
      determination: 'not_a_breach',
      reason:
        'all four factors are recorded and each supports a low probability that the PHI has been compromised (164.402(2))',
      open,
    };
  return {
    determination: 'breach',
    reason:
      'a breach is presumed unless every factor is recorded and supports a low probability of compromise, an exclusion applies with its basis, or the PHI was secured (164.402)',
    open,
  };
}
