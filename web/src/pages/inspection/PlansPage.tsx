import { DONE_TAG_STYLE } from '../../components/doneTag';
import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Result,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { fromApi, type Page } from '../../api/types';
import type { DrawVerification, DrawView, PlanKind, PlanView } from '../../api/views';
import { hasAnyRole, useAccount } from '../../auth/account';
import { formatTime } from '../../labels';

const KIND_LABELS: Record<PlanKind, string> = {
  ROUTINE: '日常检查',
  SPECIAL: '专项检查',
  FLIGHT: '飞行检查',
};

const INSTITUTION_TYPES = {
  HOSPITAL: '医院',
  PRIMARY_CARE: '基层医疗机构',
  CLINIC: '诊所',
  PHARMACY: '药店',
} as const;

interface PlanForm {
  name: string;
  year: number;
  kind: PlanKind;
  sampleRatio?: string;
  sampleSize?: number;
  institutionTypes?: Array<keyof typeof INSTITUTION_TYPES>;
  teamSize: number;
}

const PLAN_FIELDS = [
  'name',
  'year',
  'kind',
  'sampleRatio',
  'sampleSize',
  'institutionTypes',
  'teamSize',
] as const;

function isPlanField(field: string): field is (typeof PLAN_FIELDS)[number] {
  return PLAN_FIELDS.some((f) => f === field);
}

/** 新建检查计划 (MANAGER): field errors from the service's 400 shown on the fields. */
function NewPlanButton() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<PlanForm>();
  const create = useMutation({
    mutationFn: (body: PlanForm) => unwrap(api.POST('/api/v1/inspection-plans', { body })),
    onSuccess: async () => {
      setOpen(false);
      form.resetFields();
      void message.success('检查计划已创建');
      await queryClient.invalidateQueries({ queryKey: ['inspection-plans'] });
    },
    onError: (e) => {
      const onFields = e instanceof ApiError ? (e.problem.errors ?? []) : [];
      const named = onFields.flatMap((f) =>
        isPlanField(f.field) ? [{ name: f.field, errors: [f.message] }] : [],
      );
      if (named.length > 0) {
        form.setFields(named);
      } else {
        void message.error(`创建失败：${e.message}`);
      }
    },
  });
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        新建检查计划
      </Button>
      <Modal
        title="新建检查计划"
        open={open}
        okText="创建"
        confirmLoading={create.isPending}
        onOk={() => void form.validateFields().then((v) => create.mutate(v))}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form<PlanForm>
          form={form}
          layout="vertical"
          initialValues={{ year: new Date().getFullYear(), kind: 'ROUTINE', teamSize: 2 }}
        >
          <Form.Item
            name="name"
            label="计划名称"
            rules={[{ required: true, message: '请输入计划名称' }]}
          >
            <Input placeholder="例如：2026年度定点医药机构双随机抽查" />
          </Form.Item>
          <Space>
            <Form.Item name="year" label="年度" rules={[{ required: true }]}>
              <InputNumber min={2000} max={2100} />
            </Form.Item>
            <Form.Item name="kind" label="检查类型" rules={[{ required: true }]}>
              <Select
                style={{ width: 140 }}
                options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
              />
            </Form.Item>
            <Form.Item name="teamSize" label="每组检查员人数" rules={[{ required: true }]}>
              <InputNumber min={2} max={10} />
            </Form.Item>
          </Space>
          <Space>
            <Form.Item name="sampleRatio" label="抽取比例（0–1）">
              <Input placeholder="0.10" style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="sampleSize" label="或抽取家数">
              <InputNumber min={1} />
            </Form.Item>
          </Space>
          <Form.Item name="institutionTypes" label="机构类型（不选为全部）">
            <Select
              mode="multiple"
              options={Object.entries(INSTITUTION_TYPES).map(([value, label]) => ({
                value,
                label,
              }))}
            />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** 抽取 (MANAGER): once per plan, with the public seed announced beforehand. */
function DrawButton({ plan }: { plan: PlanView }) {
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  // Read when the confirmation is accepted (the dialog's content is not re-rendered with state).
  const seed = useRef('');
  const draw = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/inspection-plans/{id}/draw', {
          params: { path: { id: plan.id } },
          body: seed.current ? { seed: seed.current } : {},
        }),
      ),
    onSuccess: async () => {
      void message.success('已抽取');
      await queryClient.invalidateQueries({ queryKey: ['inspection-plans'] });
    },
    onError: (e) => void message.error(`抽取失败：${e.message}`),
  });
  return (
    <Button
      size="small"
      type="primary"
      loading={draw.isPending}
      onClick={() => {
        modal.confirm({
          title: `抽取“${plan.name}”`,
          content: (
            <Space direction="vertical" style={{ width: '100%' }}>
              <Typography.Text>
                每个计划只能抽取一次。可填写事先公布的随机种子（如彩票开奖号码）。
              </Typography.Text>
              <Input
                aria-label="随机种子"
                placeholder="随机种子（可不填）"
                onChange={(e) => {
                  seed.current = e.target.value;
                }}
              />
            </Space>
          ),
          okText: '抽取',
          onOk: () => draw.mutateAsync(),
        });
      }}
    >
      抽取
    </Button>
  );
}

/** The stored draw: seed, algorithm, the institutions and teams, each case, and 验证. */
function DrawDrawer({ plan, onClose }: { plan: PlanView; onClose: () => void }) {
  const draw = useQuery({
    queryKey: ['inspection-plans', plan.id, 'draw'],
    queryFn: async () =>
      fromApi<DrawView>(
        await unwrap(
          api.GET('/api/v1/inspection-plans/{id}/draw', { params: { path: { id: plan.id } } }),
        ),
      ),
  });
  const verify = useMutation({
    mutationFn: async () =>
      fromApi<DrawVerification>(
        await unwrap(
          api.POST('/api/v1/inspection-plans/{id}/verify-draw', {
            params: { path: { id: plan.id } },
          }),
        ),
      ),
  });
  const d = draw.data;
  return (
    <Drawer title={`抽取结果：${plan.name}`} open width={760} onClose={onClose}>
      {draw.error && <Alert type="error" title={`无法查看：${draw.error.message}`} />}
      {d && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="draw">
          <Descriptions column={1} bordered size="small">
            <Descriptions.Item label="随机种子">{d.seed}</Descriptions.Item>
            <Descriptions.Item label="算法">{d.algorithm}</Descriptions.Item>
            <Descriptions.Item label="抽取时间">{formatTime(d.drawnAt)}</Descriptions.Item>
            <Descriptions.Item label="抽取家数">{d.institutions.length}</Descriptions.Item>
            <Descriptions.Item label="机构名单哈希">
              <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                {d.institutionsHash}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label="检查员名单哈希">
              <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                {d.inspectorsHash}
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Space>
            <Button
              onClick={() => verify.mutate()}
              loading={verify.isPending}
              data-testid="verify-draw"
            >
              验证抽取结果
            </Button>
            {verify.data &&
              (verify.data.matches ? (
                <Tag style={DONE_TAG_STYLE} data-testid="verify-result">
                  验证一致：按公布的种子和名单重新抽取，结果相同
                </Tag>
              ) : (
                <Tag color="red" data-testid="verify-result">
                  验证不一致：{verify.data.mismatches.join('；')}
                </Tag>
              ))}
            {verify.error && <Tag color="red">验证失败：{verify.error.message}</Tag>}
          </Space>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.institutions.map((inst, i) => ({
              ...inst,
              caseId: d.caseIds[i],
              team: d.teams.find((t) => t.institutionId === inst.id)?.inspectorIds.length ?? 0,
            }))}
            columns={[
              { title: '机构编码', dataIndex: 'code' },
              { title: '检查组人数', dataIndex: 'team', align: 'right' },
              {
                title: '检查案件',
                dataIndex: 'caseId',
                render: (id?: string) =>
                  id ? <Link to={`/cases/${id}`}>{id.slice(0, 8)}</Link> : '–',
              },
            ]}
          />
        </Space>
      )}
    </Drawer>
  );
}

/**
 * 检查计划 (双随机、一公开): the plans; a manager creates and draws them, anyone here reads the
 * draw and verifies it against the published seed and lists.
 */
export function PlansPage() {
  const account = useAccount();
  const isManager = hasAnyRole(account.data, ['MANAGER']);
  const [page, setPage] = useState(1);
  const [shown, setShown] = useState<PlanView | null>(null);
  const plans = useQuery({
    queryKey: ['inspection-plans', page],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      fromApi<Page<PlanView>>(
        await unwrap(
          api.GET('/api/v1/inspection-plans', { params: { query: { page, pageSize: 20 } } }),
        ),
      ),
  });
  if (plans.error instanceof ApiError && plans.error.status === 403) {
    return <Result status="403" title="无权访问" subTitle="检查计划仅限相关岗位查看。" />;
  }
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        检查计划
      </Typography.Title>
      <Card extra={isManager ? <NewPlanButton /> : undefined} title="双随机抽查计划">
        <Table<PlanView>
          rowKey="id"
          size="middle"
          data-testid="plans"
          loading={plans.isFetching}
          dataSource={plans.data?.items ?? []}
          pagination={{
            current: page,
            pageSize: 20,
            total: plans.data?.total ?? 0,
            onChange: setPage,
            showTotal: (t) => `共 ${t} 个计划`,
          }}
          columns={[
            { title: '计划名称', dataIndex: 'name' },
            { title: '年度', dataIndex: 'year' },
            { title: '类型', dataIndex: 'kind', render: (k: PlanKind) => KIND_LABELS[k] ?? k },
            {
              title: '抽取范围',
              key: 'sample',
              render: (_, p) =>
                p.sampleSize
                  ? `${p.sampleSize} 家`
                  : p.sampleRatio
                    ? `${(Number(p.sampleRatio) * 100).toFixed(0)}%`
                    : '–',
            },
            { title: '每组人数', dataIndex: 'teamSize', align: 'right' },
            {
              title: '抽取',
              dataIndex: 'drawnAt',
              render: (t: string | null) =>
                t ? <Tag style={DONE_TAG_STYLE}>已抽取 {formatTime(t)}</Tag> : <Tag>未抽取</Tag>,
            },
            {
              title: '操作',
              key: 'actions',
              render: (_, p) =>
                p.drawnAt ? (
                  <Button size="small" onClick={() => setShown(p)} data-testid="show-draw">
                    查看抽取结果
                  </Button>
                ) : isManager ? (
                  <DrawButton plan={p} />
                ) : (
                  '–'
                ),
            },
          ]}
        />
      </Card>
      {shown && <DrawDrawer plan={shown} onClose={() => setShown(null)} />}
    </Space>
  );
}
