/**
 * @module witness/request.test
 * The add-checkpoint body, parsed strictly and built by the client helper, and listen addresses.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addCheckpointRequest, NoteError } from '../evidence/index.js';
import { parseListen } from './index.js';
import { MalformedRequest, parseAddCheckpoint } from './request.js';

const root = randomBytes(32);
const note = `ward.example/log\n7\n${root.toString('base64')}\n\n\u2014 ward.example/log ${randomBytes(68).toString('base64')}\n`;
const parse = (text: string) => parseAddCheckpoint(Buffer.from(text, 'utf8'));

describe('the add-checkpoint body', () => {
  it('round-trips through addCheckpointRequest', () => {
    const proof = [randomBytes(32), randomBytes(32)];
    const req = parse(addCheckpointRequest(3, proof, note));
    expect(req.oldSize).toBe(3);
    expect(req.proof).toEqual(proof);
    expect(req.checkpoint).toEqual({ origin: 'ward.example/log', size: 7, root });
    expect(req.note.signatures).toHaveLength(1);
    expect(parse(addCheckpointRequest(0, [], note)).proof).toEqual([]);
  });

  it.each([
    ['no empty line', `old 0\n${note.replace('\n\n', '\n')}`.replace(/\n\n/g, '\n')],
    ['a leading zero', `old 03\n\n${note}`],
    ['no old line', `\n${note}`],
    ['a proof hash in base64url', `old 3\n${'_'.repeat(43)}=\n\n${note}`],
    ['a proof hash of 31 bytes', `old 3\n${randomBytes(31).toString('base64')}\n\n${note}`],
    ['a proof with old 0', `old 0\n${randomBytes(32).toString('base64')}\n\n${note}`],
    ['64 proof lines', `old 3\n${`${randomBytes(32).toString('base64')}\n`.repeat(64)}\n${note}`],
    ['a note without signatures', `old 0\n\n${note.slice(0, note.indexOf('\n\n') + 2)}`],
    ['a checkpoint without a root', `old 0\n\nward.example/log\n7\n\n${note.slice(note.indexOf('\u2014'))}`],
    ['bytes that are not UTF-8', Buffer.concat([Buffer.from('old 0\n\n'), Buffer.from([0xff, 0xfe])])],
  ])('refuses %s', (_, body) => {
    expect(() => parseAddCheckpoint(Buffer.isBuffer(body) ? body : Buffer.from(body))).toThrow(
      MalformedRequest,
    );
  });

  it('accepts exactly 63 proof lines', () => {
    expect(
      parse(`old 3\n${`${randomBytes(32).toString('base64')}\n`.repeat(63)}\n${note}`).proof,
    ).toHaveLength(63);
  });

  it('builds no request a witness would refuse as malformed', () => {
    expect(() => addCheckpointRequest(-1, [], note)).toThrow(NoteError);
    expect(() => addCheckpointRequest(0, [randomBytes(32)], note)).toThrow(NoteError);
    expect(() => addCheckpointRequest(1, [randomBytes(31)], note)).toThrow(NoteError);
    expect(() =>
      addCheckpointRequest(
        1,
        Array.from({ length: 64 }, () => randomBytes(32)),
        note,
      ),
    ).toThrow(NoteError);
    expect(() => addCheckpointRequest(1, [], note.trimEnd())).toThrow(NoteError);
  });
});

describe('parseListen', () => {
  it('reads host:port and [ipv6]:port', () => {
    expect(parseListen('127.0.0.1:7380')).toEqual({ host: '127.0.0.1', port: 7380 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('witness.example.com:443')).toEqual({ host: 'witness.example.com', port: 443 });
  });

  it.each([
    '',
    '127.0.0.1',
    ':7380',
    '127.0.0.1:65536',
    '127.0.0.1:-1',
    '::1:7380',
    'a b:1',
    '127.0.0.1:80x',
  ])('refuses %j with the expected shape in the message', (text) => {
    expect(() => parseListen(text)).toThrow(/write host:port, e.g. 127.0.0.1:7380/);
  });
});
