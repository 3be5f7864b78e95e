/**
 * @module pages/delete-project-button
 * "Delete project" and its confirmation dialog. A standard project: Ward stops and removes the
 * cluster before it answers, then the console goes back to the org's page with a notice. A HIPAA
 * project: the owner confirms that its audit log was exported; Ward keeps it recoverable for a
 * grace period (the project page then offers "Undelete"), then destroys it and issues a
 * certificate of destruction.
 */
import { Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useDeleteProject } from '../api/projects';
import type { Project } from '../api/types';
import { ErrorAlert } from '../components/error-alert';

export function DeleteProjectButton({ project, orgPath }: { project: Project; orgPath: string }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [exported, setExported] = useState(false);
  const remove = useDeleteProject();
  const navigate = useNavigate();
  const hipaa = project.settings.audit_log_level === 'hipaa';

  const confirm = () =>
    remove.mutate(
      { id: project.id, ...(hipaa ? { auditLogExported: exported } : {}) },
      {
        onSuccess: (p) => {
          if (p.status === 'pending_deletion') close();
          else navigate(orgPath, { state: { notice: `Project ${project.name} was deleted.` } });
        },
      },
    );
  const dismiss = () => {
    if (remove.isPending) return;
    remove.reset();
    setExported(false);
    close();
  };

  return (
    <>
      <Button
        color="red"
        variant="outline"
        onClick={open}
        disabled={project.status === 'deleting' || project.status === 'pending_deletion'}
      >
        Delete project
      </Button>
      <Modal opened={opened} onClose={dismiss} title={`Delete project ${project.name}?`} centered>
        <Stack>
          {hipaa ? (
            <>
              <Text size="sm">
                This is a HIPAA project. Ward stops its cluster now and keeps it recoverable for a grace
                period; then it destroys the cluster, shreds the project's keys (backups become unreadable)
                and issues a signed certificate of destruction. The audit log stays for its retention: export
                it first.
              </Text>
              <Checkbox
                label="I have exported this project's audit log"
                checked={exported}
                onChange={(e) => setExported(e.currentTarget.checked)}
              />
            </>
          ) : (
            <Text size="sm">
              Ward stops the project's PostgreSQL cluster and removes it with its data. This cannot be undone.
            </Text>
          )}
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
