import { Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { CaseQueryTable } from '../../components/CaseQueryTable';
import { stateEvents, useWorkflow, useWorkflows, workflowName } from '../../workflow/workflows';

/**
 * 待审批 (the approval queue): the active cases standing in a state where a manager decides
 * (approve a relief amount, decide a hearing or a penalty, confirm findings). The states come
 * from the workflow description (events whose roles include MANAGER), never a list in code.
 */
export function ApprovalQueuePage() {
  const workflows = useWorkflows();
  const [type, setType] = useState('relief-application');
  const wf = useWorkflow(type);
  const managerStates = (wf.data?.states ?? []).filter((s) =>
    stateEvents(wf.data, s.name).some(
      (e) => (e.roles ?? []).includes('MANAGER') && !e.type.startsWith('EXTEND'),
    ),
  );
  const [chosenState, setState] = useState<string | undefined>();
  const state =
    chosenState && managerStates.some((s) => s.name === chosenState)
      ? chosenState
      : (managerStates.find((s) => s.name === 'approval') ?? managerStates[0])?.name;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        待审批
      </Typography.Title>
      <Space wrap>
        <span>流程</span>
        <Select
          aria-label="流程"
          style={{ width: 200 }}
          value={type}
          onChange={(t: string) => {
            setType(t);
            setState(undefined);
          }}
          options={(workflows.data ?? []).map((w) => ({
            value: w.type,
            label: workflowName(w.title, w.type),
          }))}
        />
        <span>环节</span>
        <Select
          aria-label="环节"
          style={{ width: 200 }}
          value={state}
          onChange={(s: string) => setState(s)}
          options={managerStates.map((s) => ({ value: s.name, label: s.label ?? s.name }))}
        />
      </Space>
      {state ? (
        <CaseQueryTable
          fixed={{ type, state, status: 'active' }}
          filters={['street', 'overdue']}
          testId="approval-queue"
        />
      ) : (
        <Typography.Text type="secondary">该流程没有需科长决定的环节。</Typography.Text>
      )}
    </Space>
  );
}
