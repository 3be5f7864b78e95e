/**
 * @module pages/delete-project-button
 * "Delete project" and its confirmation dialog. Ward stops and removes the cluster before it
 * answers; then the console goes back to the org's page with a notice.
 */
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from 'react-router';
import { useDeleteProject } from '../api/projects';
import type { Project } from '../api/types';
import { ErrorAlert } from '../components/error-alert';

export function DeleteProjectButton({ project, orgPath }: { project: Project; orgPath: string }) {
  const [opened, { open, close }] = useDisclosure(false);
  const remove = useDeleteProject();
  const navigate = useNavigate();

  const confirm = () =>
    remove.mutate(project.id, {
      onSuccess: () => navigate(orgPath, { state: { notice: `Project ${project.name} was deleted.` } }),
    });
  const dismiss = () => {
    if (remove.isPending) return;
    remove.reset();
    close();
  };

  return (
    <>
      <Button color="red" variant="outline" onClick={open} disabled={project.status === 'deleting'}>
        Delete project
      </Button>
      <Modal opened={opened} onClose={dismiss} title={`Delete project ${project.name}?`} centered>
        <Stack>
          <Text size="sm">
            Ward stops the project's PostgreSQL cluster and removes it with its data. This cannot be undone.
          </Text>
          <ErrorAlert error={remove.error} title="The project was not deleted" />
          <Group justify="flex-end">
            <Button variant="default" onClick={dismiss} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button color="red" onClick={confirm} loading={remove.isPending}>
              Delete {project.name}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
