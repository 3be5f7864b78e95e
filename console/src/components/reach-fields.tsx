/**
 * @module components/reach-fields
 * The fields that ask "whom did a person's statements reach": the person, the window and the
 * org's roster (a CSV of identifiers and States, read in this page's memory only). Used by the
 * project page's accounting and by an incident's affected counts.
 */
import { FileInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { parseRoster } from '../api/accounting';

export interface Reach {
  actor: string;
  from: string;
  to: string;
  candidates: { identifier: string; state: string }[];
}

export function useReachFields() {
  const [actor, setActor] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [roster, setRoster] = useState<File | null>(null);
  const fields = (
    <>
      <TextInput
        label="Person"
        placeholder="bob@acme.test"
        required
        value={actor}
        onChange={(e) => setActor(e.currentTarget.value)}
      />
      <TextInput
        label="From"
        type="datetime-local"
        required
        value={from}
        onChange={(e) => setFrom(e.currentTarget.value)}
      />
      <TextInput
        label="To"
        type="datetime-local"
        required
        value={to}
        onChange={(e) => setTo(e.currentTarget.value)}
      />
      <FileInput
        label="Roster (CSV)"
        description="identifier,state"
        required
        accept=".csv,text/csv"
        value={roster}
        onChange={setRoster}
        w={200}
      />
    </>
  );
  /** What the fields say, the roster parsed (throws a message naming what the roster lacks). */
  const read = async (): Promise<Reach> => ({
    actor: actor.trim(),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    candidates: parseRoster(roster ? await roster.text() : '').map((c) => ({
      identifier: c.identifier,
      state: c.state,
    })),
  });
  return { fields, read };
}
