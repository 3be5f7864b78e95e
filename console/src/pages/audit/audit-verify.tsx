/**
 * @module pages/audit/audit-verify
 * "Verify chain": Ward recomputes every hash and checkpoint signature of the org's chain. An
 * intact chain shows its counts; damage shows in red with its kind, the first bad seq and Ward's
 * detail, announced to screen readers as an alert.
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

export function VerifyResult({ verify }: { verify: ReturnType<typeof useVerifyAudit> }) {
  if (verify.error) return <ErrorAlert error={verify.error} title="Verification did not run" />;
  const r = verify.data;
  if (!r) return null;
  if (r.ok) {
    return (
      <Alert color="green" variant="light" role="status" title="Audit chain verified: OK">
        {counts(r)}.
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
      </Stack>
    </Alert>
  );
}
