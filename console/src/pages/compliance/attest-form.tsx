/**
 * @module pages/compliance/attest-form
 * An owner attests a control Ward cannot see: the document (read in the browser and sent as
 * base64; Ward keeps it encrypted and records its SHA-256), what it shows, and the date by which
 * it must be reviewed (past it, the control fails again).
 */
import { Button, Input, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useId, useState } from 'react';
import { useAttest } from '../../api/compliance';
import type { Control } from '../../api/compliance-types';
import { ErrorAlert } from '../../components/error-alert';
import { formatBytes } from '../../lib/bytes';

/** Ward refuses documents over 10 MB; say so before reading a larger one. */
const MAX_BYTES = 10 * 1024 * 1024;

/** The file's bytes as base64 (a data: URL without its prefix). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

const inOneYear = () => {
  const d = new Date();
  d.setFullYear(d.getFullYear() + 1);
  return d.toISOString().slice(0, 10);
};

export function AttestForm({ org, control }: { org: string; control: Control }) {
  const attest = useAttest(org);
  const fileId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [statement, setStatement] = useState('');
  const [reviewBy, setReviewBy] = useState(inOneYear);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    attest.reset();
    if (!file) return setProblem('Choose the document to upload.');
    if (file.size === 0) return setProblem(`${file.name} is empty.`);
    if (file.size > MAX_BYTES)
      return setProblem(`${file.name} is ${formatBytes(file.size)}; Ward takes at most 10 MB.`);
    let content: string;
    try {
      content = await readBase64(file);
    } catch (err) {
      return setProblem((err as Error).message);
    }
    attest.mutate({
      control: control.id,
      statement: statement.trim(),
      file_name: file.name,
      content_type: file.type || 'application/octet-stream',
      content_base64: content,
      review_by: reviewBy,
    });
  };

  return (
    <form onSubmit={submit} aria-label="Attest this control">
      <Stack gap="sm">
        <Input.Wrapper
          label="Document"
          description="The policy, analysis or record that shows this control is met (at most 10 MB)"
          labelProps={{ htmlFor: fileId }}
          required
        >
          <input
            id={fileId}
            type="file"
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            style={{ display: 'block', marginTop: 4 }}
          />
        </Input.Wrapper>
        <Textarea
          label="Statement"
          description="What the document shows, in a sentence or two"
          required
          autosize
          minRows={2}
          maxLength={4000}
          value={statement}
          onChange={(e) => setStatement(e.currentTarget.value)}
        />
        <TextInput
          type="date"
          label="Review by"
          description="Past this date the control fails until a reviewed document is uploaded"
          required
          value={reviewBy}
          onChange={(e) => setReviewBy(e.currentTarget.value)}
        />
        {problem ? <ErrorAlert error={new Error(problem)} title="Not sent" /> : null}
        <ErrorAlert error={attest.error} title="Ward did not take the attestation" />
        {attest.data ? (
          <Text size="sm" role="status">
            Attested: SHA-256 {attest.data.sha256.slice(0, 16)}…, review by {attest.data.review_by}.
          </Text>
        ) : null}
        <Button type="submit" loading={attest.isPending} style={{ alignSelf: 'flex-start' }}>
          Upload and attest
        </Button>
      </Stack>
    </form>
  );
}
