import { describe, expect, it } from 'vitest';
import { ZodType } from 'zod';
import * as identity from '../identity/identity.schemas.js';
import * as orgs from '../orgs/orgs.schemas.js';
import * as projects from '../projects/projects.schemas.js';
import { compileJsonSerializer } from './serializer.js';

describe('response serialization', () => {
  it('compiles every schema the API answers with to fast-json-stringify (no fallback)', () => {
    const responses = [
      identity.userView,
      identity.tokenView,
      identity.createdToken,
      identity.loginResponse,
      orgs.orgView,
      orgs.memberView,
      projects.projectView,
      projects.projectList,
    ];
    for (const schema of responses) expect(schema).toBeInstanceOf(ZodType);
    for (const schema of responses) expect(() => compileJsonSerializer(schema)).not.toThrow();
  });

  it('sends only declared properties', () => {
    const out = compileJsonSerializer(identity.userView)({
      id: 'usr_x',
      email: 'a@b.c',
      name: 'A',
      operator: false,
      disabled: false,
      created_at: '2026-01-01T00:00:00.000Z',
      password_hash: '$argon2id$secret',
    });
    expect(JSON.parse(out)).toEqual({
      id: 'usr_x',
      email: 'a@b.c',
      name: 'A',
      operator: false,
      disabled: false,
      created_at: '2026-01-01T00:00:00.000Z',
    });
  });
});
