import { DONE_TAG_STYLE } from '../components/doneTag';
import { ArrowRightOutlined } from '@ant-design/icons';
import { Space, Tag } from 'antd';
import type { WorkflowDescription } from '../api/types';

/**
 * The workflow's states in the machine's order with the current one highlighted and those the
 * case went through marked: a light stand-in for the diagram (the Mermaid text stays at
 * `GET /workflows/:type/diagram`).
 */
export function StateFlow(props: {
  workflow: WorkflowDescription;
  current: string;
  visited: ReadonlySet<string>;
}) {
  const states = props.workflow.states.filter((s) => !s.name.includes('.'));
  const top = props.current.split('.')[0];
  const running = states.filter((s) => !s.final);
  const ends = states.filter((s) => s.final);
  const tag = (name: string, label: string | null) => {
    const isCurrent = name === top;
    return (
      <Tag
        key={name}
        color={isCurrent ? 'blue' : undefined}
        style={{
          ...(!isCurrent && props.visited.has(name) ? DONE_TAG_STYLE : {}),
          fontWeight: isCurrent ? 600 : undefined,
          marginInlineEnd: 0,
        }}
        data-state={name}
        data-current={isCurrent || undefined}
      >
        {label ?? name}
        {isCurrent ? '（当前）' : ''}
      </Tag>
    );
  };
  return (
    <div data-testid="state-flow">
      <Space wrap size={4}>
        {running.map((s, i) => (
          <Space key={s.name} size={4}>
            {i > 0 && <ArrowRightOutlined style={{ color: '#bfbfbf', fontSize: 10 }} />}
            {tag(s.name, s.label)}
          </Space>
        ))}
      </Space>
      {ends.length > 0 && (
        <div style={{ marginTop: 8 }}>
          <Space wrap size={4}>
            <span style={{ color: '#595959' }}>结束状态：</span>
            {ends.map((s) => tag(s.name, s.label))}
          </Space>
        </div>
      )}
    </div>
  );
}
