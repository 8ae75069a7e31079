import { Tooltip, Typography } from 'antd';
import type { DeadlineView } from '../api/types';
import { timeLeft } from '../cases/caseText';
import { formatTime } from '../labels';

/** Time left on a deadline; overdue in red, the exact due time on hover. */
export function TimeLeftText(props: { deadline: DeadlineView | undefined }) {
  if (!props.deadline) {
    return <Typography.Text type="secondary">无期限</Typography.Text>;
  }
  const left = timeLeft(props.deadline);
  return (
    <Tooltip title={`到期：${formatTime(props.deadline.dueAt)}`}>
      <Typography.Text
        type={left.overdue ? 'danger' : undefined}
        strong={left.overdue}
        data-overdue={left.overdue}
      >
        {left.text}
      </Typography.Text>
    </Tooltip>
  );
}
