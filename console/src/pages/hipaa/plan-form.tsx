/**
 * @module pages/hipaa/plan-form
 * The operator's control of an org's plan (HIPAA needs enterprise; a HIPAA org stays on it).
 */
import { Button, Group, NativeSelect, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { useSetPlan } from '../../api/hipaa';
import type { Org, Plan } from '../../api/types';
import { ErrorAlert } from '../../components/error-alert';

const PLANS: Plan[] = ['basic', 'scale', 'enterprise'];

export function PlanForm({ org, orgRef }: { org: Org; orgRef: string }) {
  const setPlan = useSetPlan(orgRef);
  const [plan, setChoice] = useState<Plan>(org.plan);
  return (
    <Stack gap="sm" maw={560} component="section" aria-labelledby="plan-title">
      <Title order={2} size="h4" id="plan-title">
        Plan (operator)
      </Title>
      <Group align="flex-end">
        <NativeSelect
          label="Plan"
          value={plan}
          onChange={(e) => setChoice(e.currentTarget.value as Plan)}
          data={PLANS}
        />
        <Button variant="default" onClick={() => setPlan.mutate(plan)} loading={setPlan.isPending}>
          Change plan
        </Button>
      </Group>
      <ErrorAlert error={setPlan.error} title="The plan was not changed" />
    </Stack>
  );
}
