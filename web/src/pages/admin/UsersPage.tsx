import { DONE_TAG_STYLE } from '../../components/doneTag';
import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api, ApiError, unwrap } from '../../api/client';
import { fromApi, type Page, type Role, type UserView } from '../../api/types';
import { formatTime, ROLE_LABELS } from '../../labels';
import { useStreetName, useStreets } from '../../streets';

const EXPERT_FIELDS = { MEDICAL: '医学', INSURANCE: '医保', FINANCE: '财务' } as const;
type ExpertField = keyof typeof EXPERT_FIELDS;

function isExpertField(value: string | null): value is ExpertField {
  return value !== null && value in EXPERT_FIELDS;
}

interface UserForm {
  username: string;
  password?: string;
  displayName: string;
  roles: Role[];
  streetCode?: string | null;
  expertField?: ExpertField | null;
  affiliation?: string | null;
  active?: boolean;
}

const ROLE_OPTIONS = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));

const USER_FIELDS = [
  'username',
  'password',
  'displayName',
  'roles',
  'streetCode',
  'expertField',
  'affiliation',
] as const;

function isUserField(field: string): field is (typeof USER_FIELDS)[number] {
  return USER_FIELDS.some((f) => f === field);
}

/** The service's field errors (400) shown on the fields they name. */
function showFieldErrors(
  e: Error,
  form: ReturnType<typeof Form.useForm<UserForm>>[0],
  fallback: (text: string) => void,
) {
  const named = (e instanceof ApiError ? (e.problem.errors ?? []) : []).flatMap((f) =>
    isUserField(f.field) ? [{ name: f.field, errors: [f.message] }] : [],
  );
  if (named.length > 0) {
    form.setFields(named);
  } else {
    fallback(e.message);
  }
}

/** Create (no user) or edit (a user): roles, street, expert field, active, password reset. */
function UserModal(props: { user: UserView | null; open: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const streets = useStreets();
  const [form] = Form.useForm<UserForm>();
  const roles = Form.useWatch('roles', form) ?? [];
  const editing = props.user !== null;
  const save = useMutation({
    mutationFn: async (v: UserForm) => {
      if (props.user) {
        return unwrap(
          api.PATCH('/api/v1/users/{id}', {
            params: { path: { id: props.user.id } },
            body: {
              displayName: v.displayName,
              roles: v.roles,
              streetCode: v.streetCode ?? null,
              expertField: v.expertField ?? null,
              affiliation: v.affiliation || null,
              active: v.active,
              ...(v.password ? { password: v.password } : {}),
            },
          }),
        );
      }
      return unwrap(
        api.POST('/api/v1/users', {
          body: {
            username: v.username,
            password: v.password ?? '',
            displayName: v.displayName,
            roles: v.roles,
            streetCode: v.streetCode ?? undefined,
            expertField: v.expertField ?? undefined,
            affiliation: v.affiliation || undefined,
          },
        }),
      );
    },
    onSuccess: async () => {
      void message.success(editing ? '已保存' : '用户已创建');
      props.onClose();
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
    onError: (e) => showFieldErrors(e, form, (t) => void message.error(`保存失败：${t}`)),
  });
  return (
    <Modal
      title={editing ? `编辑用户 ${props.user?.username}` : '新建用户'}
      open={props.open}
      okText="保存"
      confirmLoading={save.isPending}
      onOk={() => void form.validateFields().then((v) => save.mutate(v))}
      onCancel={props.onClose}
      destroyOnHidden
    >
      <Form<UserForm>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={
          props.user
            ? {
                username: props.user.username,
                displayName: props.user.displayName,
                roles: props.user.roles,
                streetCode: props.user.streetCode,
                expertField: isExpertField(props.user.expertField) ? props.user.expertField : null,
                affiliation: props.user.affiliation,
                active: props.user.active,
              }
            : { roles: [], active: true }
        }
      >
        <Form.Item
          name="username"
          label="用户名"
          rules={[{ required: true, message: '请输入用户名' }]}
        >
          <Input disabled={editing} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label="姓名/单位名称"
          rules={[{ required: true, message: '请输入姓名或单位名称' }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="password"
          label={editing ? '重置密码（不填则不变）' : '初始密码'}
          rules={editing ? [] : [{ required: true, message: '请输入初始密码' }]}
          extra="至少10位，含大写字母、小写字母、数字、符号中的三类"
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="roles" label="角色" rules={[{ required: true, message: '请选择角色' }]}>
          <Select mode="multiple" options={ROLE_OPTIONS} />
        </Form.Item>
        {roles.includes('STREET_OFFICE') && (
          <Form.Item
            name="streetCode"
            label="所属街道"
            rules={[{ required: true, message: '请选择街道' }]}
          >
            <Select
              options={(streets.data ?? []).map((s) => ({
                value: s.code,
                label: `${s.name}（${s.code}）`,
              }))}
            />
          </Form.Item>
        )}
        {roles.includes('EXPERT') && (
          <Form.Item
            name="expertField"
            label="专业领域"
            rules={[{ required: true, message: '请选择专业领域' }]}
          >
            <Select
              options={Object.entries(EXPERT_FIELDS).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
        )}
        {(roles.includes('EXPERT') || roles.includes('INSPECTOR')) && (
          <Form.Item name="affiliation" label="所在机构编码（回避用）">
            <Input />
          </Form.Item>
        )}
        {editing && (
          <Form.Item name="active" label="启用" valuePropName="checked">
            <Switch checkedChildren="启用" unCheckedChildren="停用" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** 用户管理 (ADMIN): accounts, roles, street, deactivation, password reset, unlock. */
export function UsersPage() {
  const { message } = App.useApp();
  const streetName = useStreetName();
  const [page, setPage] = useState(1);
  const [role, setRole] = useState<Role | undefined>();
  const [editing, setEditing] = useState<UserView | null>(null);
  const [open, setOpen] = useState(false);
  const users = useQuery({
    queryKey: ['users', page, role],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      fromApi<Page<UserView>>(
        await unwrap(api.GET('/api/v1/users', { params: { query: { page, pageSize: 20, role } } })),
      ),
  });
  const unlock = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/users/{id}/unlock', { params: { path: { id } } })),
    onSuccess: () => void message.success('已解除锁定'),
    onError: (e) => void message.error(`解锁失败：${e.message}`),
  });
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        用户管理
      </Typography.Title>
      <Card
        title={
          <Space>
            <span>角色</span>
            <Select
              allowClear
              aria-label="角色"
              placeholder="全部角色"
              style={{ width: 140 }}
              value={role}
              onChange={(r?: Role) => {
                setRole(r);
                setPage(1);
              }}
              options={ROLE_OPTIONS}
            />
          </Space>
        }
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            data-testid="new-user"
            onClick={() => {
              setEditing(null);
              setOpen(true);
            }}
          >
            新建用户
          </Button>
        }
      >
        <Table<UserView>
          rowKey="id"
          size="middle"
          data-testid="users"
          loading={users.isFetching}
          dataSource={users.data?.items ?? []}
          pagination={{
            current: page,
            pageSize: 20,
            total: users.data?.total ?? 0,
            onChange: setPage,
            showTotal: (t) => `共 ${t} 人`,
          }}
          columns={[
            { title: '用户名', dataIndex: 'username' },
            { title: '姓名/单位', dataIndex: 'displayName' },
            {
              title: '角色',
              dataIndex: 'roles',
              render: (roles: Role[]) =>
                roles.map((r) => (
                  <Tag key={r} color="blue">
                    {ROLE_LABELS[r]}
                  </Tag>
                )),
            },
            {
              title: '街道',
              dataIndex: 'streetCode',
              render: (code: string | null) => (code ? streetName(code) : '–'),
            },
            {
              title: '状态',
              dataIndex: 'active',
              render: (a: boolean) =>
                a ? <Tag style={DONE_TAG_STYLE}>启用</Tag> : <Tag color="red">停用</Tag>,
            },
            { title: '创建时间', dataIndex: 'createdAt', render: formatTime },
            {
              title: '操作',
              key: 'actions',
              render: (_, u) => (
                <Space>
                  <Button
                    size="small"
                    onClick={() => {
                      setEditing(u);
                      setOpen(true);
                    }}
                  >
                    编辑
                  </Button>
                  <Button size="small" onClick={() => unlock.mutate(u.id)}>
                    解除锁定
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      {open && <UserModal user={editing} open={open} onClose={() => setOpen(false)} />}
    </Space>
  );
}
