/**
 * @module pages/audit/audit-export
 * Export buttons: the whole chain with its signed checkpoints as JSON lines, or each event in
 * OCSF shape. Ward signs a checkpoint at the head first and records the export as an event.
 */
import { Button, Group } from '@mantine/core';
import type { useExportAudit } from '../../api/audit';
import type { ExportFormat } from '../../api/audit-types';

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: 'jsonl', label: 'Export JSON lines' },
  { format: 'ocsf', label: 'Export OCSF' },
];

export function ExportButtons({ exporter }: { exporter: ReturnType<typeof useExportAudit> }) {
  return (
    <Group gap="xs">
      {FORMATS.map(({ format, label }) => (
        <Button
          key={format}
          variant="default"
          loading={exporter.isPending && exporter.variables === format}
          disabled={exporter.isPending && exporter.variables !== format}
          onClick={() => exporter.mutate(format)}
        >
          {label}
        </Button>
      ))}
    </Group>
  );
}
