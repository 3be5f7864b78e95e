import { Button, Group } from '@mantine/core';

/** The two downloads of a signed document (a compliance report, an evidence packet): PDF and signed JSON. */
export function SignedDownloads({ id, onSave }: { id: string; onSave: (as: 'pdf' | 'json') => void }) {
  return (
    <Group gap="xs">
      <Button
        size="compact-sm"
        variant="light"
        aria-label={`Download ${id} as PDF`}
        onClick={() => onSave('pdf')}
      >
        PDF
      </Button>
      <Button
        size="compact-sm"
        variant="light"
        aria-label={`Download ${id} as signed JSON`}
        onClick={() => onSave('json')}
      >
        Signed JSON
      </Button>
    </Group>
  );
}
