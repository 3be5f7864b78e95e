/**
 * @module pages/pending-deletion-alert
 * A deleted HIPAA project during its grace period: when it will be destroyed, and "Undelete".
 */
import { Alert, Button, Stack, Text } from '@mantine/core';
import { useUndeleteProject } from '../api/projects';
import type { Project } from '../api/types';
import { ErrorAlert } from '../components/error-alert';

export function PendingDeletionAlert({ project }: { project: Project }) {
  const undelete = useUndeleteProject();
  if (project.status !== 'pending_deletion' || !project.deletion) return null;
  return (
    <Alert color="orange" variant="light" title="This project is deleted">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          Its cluster is stopped. Ward destroys it, shreds its keys and issues a certificate of destruction
          after {new Date(project.deletion.purge_after).toLocaleString()}, unless it is undeleted before then.
        </Text>
        <ErrorAlert error={undelete.error} title="The project was not undeleted" />
        <Button
          size="xs"
          variant="default"
          loading={undelete.isPending}
          onClick={() => undelete.mutate(project.id)}
        >
          Undelete {project.name}
        </Button>
      </Stack>
    </Alert>
  );
}
