import { describe, expect, it } from 'vitest';
import { looksLikeId, newEventId, newId } from './ids.js';

/** The milliseconds an event id carries: its first 9 characters, base32 with the alphabet in ASCII order. */
const eventIdTime = (id: string) =>
  [...id.slice(4, 13)].reduce((ms, ch) => ms * 32 + '234567abcdefghijklmnopqrstuvwxyz'.indexOf(ch), 0);

describe('ids', () => {
  it('makes type-prefixed ids of 16 base32 characters', () => {
    const id = newId('prj');
    expect(looksLikeId(id, 'prj')).toBe(true);
    expect(looksLikeId(id, 'org')).toBe(false);
    expect(newId('prj')).not.toBe(id);
  });

  it('makes event ids that increase as text in the order they were made, across milliseconds', async () => {
    const ids: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 20_000; i++) ids.push(newEventId());
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(ids.every((id) => looksLikeId(id, 'evt'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Byte order, as the C collation and every btree over them compares.
    for (let i = 1; i < ids.length; i++)
      expect(Buffer.compare(Buffer.from(ids[i - 1] as string), Buffer.from(ids[i] as string))).toBe(-1);
  });

  it('carries the time an event id was made, and stays increasing when the clock steps back', () => {
    // Ahead of every id made so far in this process, so this one carries exactly this time.
    const ahead = Date.now() + 10_000_000;
    const first = newEventId(ahead);
    expect(eventIdTime(first)).toBe(ahead);
    const earlier = newEventId(ahead - 60_000);
    expect(earlier > first).toBe(true);
    expect(eventIdTime(earlier)).toBe(ahead);
  });

  it('borrows the next millisecond after 32,768 ids in one, never repeating one', () => {
    const at = Date.now() + 20_000_000;
    const ids = Array.from({ length: 40_000 }, () => newEventId(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect(eventIdTime(ids[0] as string)).toBe(at);
    expect(eventIdTime(ids[ids.length - 1] as string)).toBe(at + 1);
    expect([...ids].sort()).toEqual(ids);
  });
});
