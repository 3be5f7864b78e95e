/**
 * @module pages/accounting/subject-keys-panel
 * On a project's page: the columns that identify an individual (subject keys), declaring and
 * removing them (owners, admins), and the tables the last day's statements touched without one.
 */
import { Badge, Button, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useAddSubjectKey, useRemoveSubjectKey, useSubjectKeys } from '../../api/accounting';
import { ErrorAlert } from '../../components/error-alert';

function AddKeyForm({ projectId }: { projectId: string }) {
  const add = useAddSubjectKey(projectId);
  const [column, setColumn] = useState('');
  const [rule, setRule] = useState<'exact' | 'fold'>('exact');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ column: column.trim(), case_rule: rule }, { onSuccess: () => setColumn('') });
  };
  return (
    <form onSubmit={submit} aria-label="Declare a subject key">
      <Stack gap="xs">
        <ErrorAlert error={add.error} title="The column was not declared" />
        <Group align="flex-end">
          <TextInput
            label="Column"
            description="table.column or schema.table.column"
            placeholder="patients.mrn"
            required
            value={column}
            onChange={(e) => setColumn(e.currentTarget.value)}
          />
          <NativeSelect
            label="Case"
            data={[
              { value: 'exact', label: 'exact' },
              { value: 'fold', label: 'fold (any case)' },
            ]}
            value={rule}
            onChange={(e) => setRule(e.currentTarget.value as 'exact' | 'fold')}
          />
          <Button type="submit" loading={add.isPending}>
            Declare
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function SubjectKeysPanel({ projectId, canManage }: { projectId: string; canManage: boolean }) {
  const keys = useSubjectKeys(projectId);
  const remove = useRemoveSubjectKey(projectId);
  const data = keys.data;
  return (
    <Stack gap="xs">
      <Title order={2} size="h4" id="subject-keys">
        Subject keys
      </Title>
      <Text size="sm" c="dimmed">
        Columns that identify an individual. The gateway records, as keyed hashes, whose rows each statement
        returned or named, so you can account for every access to one person’s records.
      </Text>
      <ErrorAlert error={keys.error ?? remove.error} title="Subject keys" />
      {data && data.keys.length === 0 ? <Text size="sm">No subject keys yet.</Text> : null}
      {data && data.keys.length > 0 ? (
        <Table aria-labelledby="subject-keys" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Column</Table.Th>
              <Table.Th>Case</Table.Th>
              <Table.Th>Also through views</Table.Th>
              {canManage ? <Table.Th>Remove</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.keys.map((k) => (
              <Table.Tr key={k.id}>
                <Table.Td>{k.column}</Table.Td>
                <Table.Td>{k.case_rule}</Table.Td>
                <Table.Td>{k.views.join(', ') || '–'}</Table.Td>
                {canManage ? (
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Remove ${k.column}`}
                      onClick={() => remove.mutate(k.id)}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
      {canManage ? <AddKeyForm projectId={projectId} /> : null}
      {data && data.uncovered_tables.length > 0 ? (
        <>
          <Title order={3} size="h5" id="uncovered-tables">
            Tables without a subject key, touched in the last day
          </Title>
          <Table aria-labelledby="uncovered-tables" withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Table</Table.Th>
                <Table.Th>Statements</Table.Th>
                <Table.Th>Most frequent</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.uncovered_tables.map((t) => (
                <Table.Tr key={t.table}>
                  <Table.Td>
                    <Badge variant="light" color="orange">
                      {t.table}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{t.statements}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {t.examples[0] ?? ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      ) : null}
    </Stack>
  );
}
