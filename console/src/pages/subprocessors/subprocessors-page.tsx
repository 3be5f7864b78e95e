/**
 * @module pages/subprocessors/subprocessors-page
 * The subprocessors this Ward uses, for anyone signed in; the operator also announces new ones,
 * changes and removals here, each told to every HIPAA organization ahead of taking effect.
 */
import { Divider, Stack, Text, Title } from '@mantine/core';
import { useMe } from '../../api/auth';
import { useSubprocessors } from '../../api/subprocessors';
import { ErrorAlert } from '../../components/error-alert';
import { Loading } from '../../components/loading';
import { usePageTitle } from '../../lib/use-page-title';
import { AddSubprocessorForm } from './add-subprocessor-form';
import { ChangeSubprocessorForm } from './change-subprocessor-form';
import { SubprocessorsTable } from './subprocessors-table';

export function SubprocessorsPage() {
  usePageTitle('Subprocessors');
  const list = useSubprocessors();
  const operator = useMe().data?.operator === true;
  return (
    <Stack>
      <Title order={1} size="h2">
        Subprocessors
      </Title>
      <Text size="sm" c="dimmed">
        The third parties this Ward relies on, what each does, where, and whether it may handle PHI. Every
        change is announced to HIPAA organizations before it takes effect.
      </Text>
      <ErrorAlert error={list.error} />
      {list.isPending ? <Loading what="subprocessors" /> : null}
      {list.data && list.data.length === 0 ? <Text c="dimmed">No subprocessors are listed.</Text> : null}
      {list.data && list.data.length > 0 ? <SubprocessorsTable list={list.data} /> : null}
      {operator ? (
        <>
          <Divider />
          <AddSubprocessorForm />
          {list.data ? <ChangeSubprocessorForm list={list.data} /> : null}
        </>
      ) : null}
    </Stack>
  );
}
