import { describe, expect, it } from 'vitest';
import { findPhi } from './index.js';

describe('findPhi', () => {
  it('flags each kind, in names as in comments', () => {
    expect(findPhi('jane.doe@example.com')?.kind).toBe('email');
    expect(findPhi('john_smith_ssn_123_45_6789')?.kind).toBe('ssn');
    expect(findPhi('mrn_00123')?.kind).toBe('mrn');
    expect(findPhi('(555) 123-4567')?.kind).toBe('phone');
    expect(findPhi('born 1980-02-03')?.kind).toBe('date');
    expect(findPhi('John Smith')?.kind).toBe('name');
  });

  it('leaves ordinary schema words alone', () => {
    for (const word of ['first_name', 'dob', 'created_at', 'patient_id', 'int4', 'Visit', 't_2'])
      expect(findPhi(word)).toBeUndefined();
  });
});
