/**
 * @module pages/audit/audit-verify
 * "Verify chain": Ward recomputes every hash and checkpoint signature of the org's chain. An
 * intact chain shows its counts; damage shows in red with its kind, the first bad seq and Ward's
 * detail, announced to screen readers as an alert; with witnesses, the newest checkpoint a quorum of
 * them cosigned.
 */
import { Alert, Button, Stack, Text } from '@mantine/core';
import type { useVerifyAudit } from '../../api/audit';
import type { VerifyReport } from '../../api/audit-types';
import { ErrorAlert } from '../../components/error-alert';

export function VerifyButton({ verify }: { verify: ReturnType<typeof useVerifyAudit> }) {
  return (
    <Button variant="default" loading={verify.isPending} onClick={() => verify.mutate()}>
      Verify chain
    </Button>
  );
}

function counts(r: VerifyReport): string {
  return `${r.events} events, ${r.checkpoints} signed checkpoints, ${r.external_checkpoints} checkpoints held elsewhere`;
}

/** What the org's witnesses vouch for, when it has any. */
function Witnessed({ r }: { r: VerifyReport }) {
  const w = r.witnesses;
  if (!w) return null;
  const q = w.quorum_checkpoint;
  return (
    <>
      <Text size="sm">
        {q
          ? `Witnessed: the newest checkpoint cosigned by a quorum of ${w.quorum} covers ${q.tree_size} events (${q.witnesses.join(', ')}, ${new Date(q.cosigned_at).toLocaleString()}).`
          : `Witnessed: no checkpoint cosigned by a quorum of ${w.quorum} yet.`}
      </Text>
      {w.unreachable.map((u) => (
        <Text size="sm" key={u}>
          Not asked: {u}
        </Text>
      ))}
    </>
  );
}

export function VerifyResult({ verify }: { verify: ReturnType<typeof useVerifyAudit> }) {
  if (verify.error) return <ErrorAlert error={verify.error} title="Verification did not run" />;
  const r = verify.data;
  if (!r) return null;
  if (r.ok) {
    return (
      <Alert color="green" variant="light" role="status" title="Audit chain verified: OK">
        <Stack gap={4}>
          <Text size="sm">{counts(r)}.</Text>
          <Witnessed r={r} />
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      variant="filled"
      role="alert"
      title={`Audit chain damaged: ${r.damage ?? 'unknown damage'}`}
    >
      <Stack gap={4}>
        <Text fw={700}>First bad seq: {r.first_bad_seq ?? 'unknown'}</Text>
        {r.detail ? <Text>{r.detail}</Text> : null}
        <Text size="sm">Checked {counts(r)}.</Text>
        <Witnessed r={r} />
      </Stack>
    </Alert>
  );
}
