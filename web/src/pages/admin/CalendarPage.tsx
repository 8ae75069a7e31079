import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, Space, Table, Typography } from 'antd';
import { api, ApiError, unwrap } from '../../api/client';
import { fromApi } from '../../api/types';
import type { CalendarYear } from '../../api/views';
import { formatTime } from '../../labels';

interface YearForm {
  year: number;
  source?: string;
  holidays: string;
  makeUpWorkdays?: string;
}

const lines = (text: string | undefined): string[] =>
  (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);

/**
 * 工作日历 (ADMIN): the years loaded and a year's 法定节假日 and 调休 working days
 * (`PUT /calendar/:year`); working-day deadlines count with them.
 */
export function CalendarPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<YearForm>();
  const years = useQuery({
    queryKey: ['calendar', 'years'],
    queryFn: async () => fromApi<CalendarYear[]>(await unwrap(api.GET('/api/v1/calendar/years'))),
  });
  const load = useMutation({
    mutationFn: (v: YearForm) =>
      unwrap(
        api.PUT('/api/v1/calendar/{year}', {
          params: { path: { year: v.year } },
          body: {
            source: v.source || undefined,
            // One holiday per line: 开始日期,结束日期,名称
            holidays: lines(v.holidays).map((l) => l.split(/[,，\s]+/, 3)),
            makeUpWorkdays: lines(v.makeUpWorkdays),
          },
        }),
      ),
    onSuccess: async () => {
      void message.success('日历已载入');
      await queryClient.invalidateQueries({ queryKey: ['calendar'] });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.problem.errors?.length) {
        const text = e.problem.errors.map((f) => `${f.field}: ${f.message}`).join('；');
        form.setFields([{ name: 'holidays', errors: [text] }]);
      } else {
        void message.error(`载入失败：${e.message}`);
      }
    },
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        工作日历
      </Typography.Title>
      <Card title="已载入的年度">
        <Table<CalendarYear>
          size="small"
          rowKey="year"
          pagination={false}
          data-testid="calendar-years"
          loading={years.isFetching}
          dataSource={years.data ?? []}
          columns={[
            { title: '年度', dataIndex: 'year' },
            { title: '来源', dataIndex: 'source', render: (s: string | null) => s ?? '–' },
            { title: '载入时间', dataIndex: 'loadedAt', render: formatTime },
          ]}
        />
      </Card>
      <Card title="载入或更新一个年度">
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="国务院办公厅每年公布次年节假日安排后载入。已载入的年度再次载入即覆盖。"
        />
        <Form<YearForm>
          form={form}
          layout="vertical"
          initialValues={{ year: new Date().getFullYear() + 1 }}
          onFinish={(v) => load.mutate(v)}
        >
          <Space align="start">
            <Form.Item name="year" label="年度" rules={[{ required: true, message: '请输入年度' }]}>
              <InputNumber min={2000} max={2100} />
            </Form.Item>
            <Form.Item name="source" label="依据">
              <Input
                style={{ width: 420 }}
                placeholder="例如：国务院办公厅关于2027年部分节假日安排的通知"
              />
            </Form.Item>
          </Space>
          <Form.Item
            name="holidays"
            label="法定节假日（每行一项：开始日期,结束日期,名称）"
            rules={[{ required: true, message: '请填写节假日' }]}
          >
            <Input.TextArea
              rows={6}
              placeholder={'2027-01-01,2027-01-01,元旦\n2027-02-06,2027-02-13,春节'}
            />
          </Form.Item>
          <Form.Item name="makeUpWorkdays" label="调休上班日（每行一个日期）">
            <Input.TextArea rows={3} placeholder="2027-02-14" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={load.isPending}>
            载入
          </Button>
        </Form>
      </Card>
    </Space>
  );
}
