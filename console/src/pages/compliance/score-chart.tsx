/**
 * @module pages/compliance/score-chart
 * Both scores over the last 90 days (one point per day, from Ward's daily snapshot), as a line
 * chart, with the same figures as a table for those who do not read charts.
 */
import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Paper, Table, Text, Title } from '@mantine/core';
import type { HistoryPoint } from '../../api/compliance-types';

export function ScoreChart({ history }: { history: readonly HistoryPoint[] }) {
  const first = history[0];
  const last = history[history.length - 1];
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="score-history-title">
      <Title order={2} size="h4" id="score-history-title">
        The last 90 days
      </Title>
      {first && last ? (
        <>
          <Text size="sm" c="dimmed" id="score-history-summary">
            {history.length} day{history.length === 1 ? '' : 's'} recorded, {first.day} to {last.day}: HIPAA
            Required {first.required_score}% → {last.required_score}%, HIPAA Addressable{' '}
            {first.addressable_score}% → {last.addressable_score}%.
          </Text>
          <figure
            aria-labelledby="score-history-title"
            aria-describedby="score-history-summary"
            style={{ margin: 0 }}
          >
            <LineChart
              h={220}
              mt="sm"
              data={[...history]}
              dataKey="day"
              unit="%"
              withLegend
              withDots={history.length < 31}
              curveType="linear"
              yAxisProps={{ domain: [0, 100] }}
              series={[
                { name: 'required_score', label: 'HIPAA Required', color: 'indigo.8' },
                { name: 'addressable_score', label: 'HIPAA Addressable', color: 'teal.8' },
              ]}
            />
          </figure>
          <details>
            <summary>
              <Text span size="sm">
                The scores by day
              </Text>
            </summary>
            <Table.ScrollContainer minWidth={320} maxHeight={240}>
              <Table striped aria-label="Scores by day">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Day</Table.Th>
                    <Table.Th>HIPAA Required</Table.Th>
                    <Table.Th>HIPAA Addressable</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...history].reverse().map((p) => (
                    <Table.Tr key={p.day}>
                      <Table.Td>{p.day}</Table.Td>
                      <Table.Td>
                        {p.required_score}%{p.required_met ? ' (met)' : ''}
                      </Table.Td>
                      <Table.Td>{p.addressable_score}%</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </details>
        </>
      ) : (
        <Text size="sm">No history yet: Ward records both scores once a day.</Text>
      )}
    </Paper>
  );
}
