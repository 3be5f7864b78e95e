/**
 * @module pages/projects-table
 * An org's projects, oldest first, a page at a time ("Load more" follows next_cursor). Polls while
 * a project is being created or deleted.
 */
import { Anchor, Button, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useProjects } from '../api/projects';
import { ErrorAlert } from '../components/error-alert';
import { Loading } from '../components/loading';
import { StatusBadge } from '../components/status-badge';

export function ProjectsTable({ org }: { org: string }) {
  const list = useProjects(org);
  const projects = list.data?.pages.flatMap((p) => p.projects) ?? [];
  if (list.isPending) return <Loading what="projects" />;
  if (list.error && projects.length === 0) {
    return <ErrorAlert error={list.error} title="Could not list projects" />;
  }
  return (
    <>
      <ErrorAlert error={list.error} title="Could not refresh projects" />
      {projects.length === 0 ? (
        <Text c="dimmed">No projects yet: create the first one below.</Text>
      ) : (
        <Table aria-label="Projects" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Region</Table.Th>
              <Table.Th>Audit log level</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {projects.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/projects/${p.id}`}>
                    {p.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>{p.region_id}</Table.Td>
                <Table.Td>{p.settings.audit_log_level}</Table.Td>
                <Table.Td>
                  <StatusBadge status={p.status} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.hasNextPage ? (
        <Group>
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
            Load more projects
          </Button>
        </Group>
      ) : null}
    </>
  );
}
