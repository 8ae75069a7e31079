import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Divider,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Spin,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { validateResidentId } from '../../../src/common/resident-id';
import { api, ApiError, unwrap } from '../api/client';
import {
  type Applicant,
  type CaseView,
  type ExpenseLine,
  fromApi,
  type ReliefCalculation,
} from '../api/types';
import { useAccount } from '../auth/account';
import { CalculationView } from '../cases/CalculationView';
import { CATEGORY_LABELS, EXPENSE_KIND_LABELS, INSURANCE_LABELS } from '../labels';

/** The service's money format (src/common/money.ts): up to 12 digits, at most 2 decimals. */
const MONEY = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;
const MONEY_FIELDS = [
  ['totalCost', '总费用'],
  ['inPolicyCost', '政策范围内费用'],
  ['basicInsurancePaid', '基本医保支付'],
  ['criticalIllnessPaid', '大病保险支付'],
  ['otherInsurancePaid', '其他保障支付'],
] as const;

type MoneyField = (typeof MONEY_FIELDS)[number][0];

interface ExpenseRow extends Record<MoneyField, string | undefined> {
  kind: ExpenseLine['kind'];
  institution?: string;
  date?: Dayjs | null;
}

interface FormValues {
  applicant: Partial<Applicant>;
  streetCode?: string;
  year: number;
  expenses: ExpenseRow[];
}

/** A resident ID as typed, in the bureau's words (the check itself is the service's own code). */
function residentIdProblem(id: string): string | null {
  const reason = validateResidentId(id);
  if (reason === null) {
    return null;
  }
  if (reason.includes('length')) {
    return `身份证号应为 18 位（已输入 ${id.length} 位）`;
  }
  if (reason.includes('characters')) {
    return '身份证号前 17 位应为数字，最后一位为数字或 X';
  }
  if (reason.includes('birth date')) {
    return '身份证号中的出生日期无效';
  }
  if (reason.includes('check digit')) {
    return '身份证号校验位不正确，请核对';
  }
  return '身份证号无效';
}

/** A fresh key per form: a double click or a retry of the same form never opens two cases. */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  // Plain-HTTP intranets are not a secure context: randomUUID is missing there, getRandomValues is not.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The lines that are complete enough to be calculated, as the API takes them. */
function completeLines(rows: readonly ExpenseRow[] | undefined): ExpenseLine[] {
  return (rows ?? []).flatMap((r) => {
    if (!r?.kind || !r.date || MONEY_FIELDS.some(([f]) => !MONEY.test(r[f] ?? ''))) {
      return [];
    }
    return [
      {
        kind: r.kind,
        institution: r.institution?.trim() || '（未填写）',
        date: r.date.format('YYYY-MM-DD'),
        totalCost: r.totalCost ?? '0',
        inPolicyCost: r.inPolicyCost ?? '0',
        basicInsurancePaid: r.basicInsurancePaid ?? '0',
        criticalIllnessPaid: r.criticalIllnessPaid ?? '0',
        otherInsurancePaid: r.otherInsurancePaid ?? '0',
      },
    ];
  });
}

/** Waits until the value has stopped changing for `ms` (typing), then returns it. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

type FieldPath =
  | ['applicant', keyof Applicant]
  | ['streetCode']
  | ['year']
  | ['expenses', number, keyof ExpenseRow];

const APPLICANT_FIELDS: ReadonlyArray<keyof Applicant> = [
  'name',
  'idNumber',
  'phone',
  'category',
  'insuranceType',
];
const EXPENSE_FIELDS: ReadonlyArray<keyof ExpenseRow> = [
  'kind',
  'institution',
  'date',
  ...MONEY_FIELDS.map(([f]) => f),
];

/**
 * `errors[].field` of a 400 (`applicant.idNumber`, `expenses[0].totalCost`) as a field of this
 * form, or undefined when it names none (shown above the form instead).
 */
function fieldPath(field: string): FieldPath | undefined {
  const [a, b, c] = field.replace(/\[(\d+)\]/g, '.$1').split('.');
  const applicantField = APPLICANT_FIELDS.find((f) => f === b);
  if (a === 'applicant' && applicantField) {
    return ['applicant', applicantField];
  }
  if ((a === 'streetCode' || a === 'year') && b === undefined) {
    return [a];
  }
  const expenseField = EXPENSE_FIELDS.find((f) => f === c);
  if (a === 'expenses' && /^\d+$/.test(b ?? '') && expenseField) {
    return ['expenses', Number(b), expenseField];
  }
  return undefined;
}

/** 新建救助申请: a street office (or caseworker) submits an application with a live calculation. */
export function ReliefApplicationPage() {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const account = useAccount();
  const [form] = Form.useForm<FormValues>();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const street = account.data?.streetCode ?? undefined;
  const isStreetOffice = account.data?.roles.includes('STREET_OFFICE') ?? false;

  const category = Form.useWatch(['applicant', 'category'], form);
  const year = Form.useWatch('year', form);
  const rows = Form.useWatch('expenses', form);
  const lines = completeLines(rows);
  const request = useDebounced(
    category && year && lines.length > 0
      ? JSON.stringify({ category, year, expenses: lines })
      : null,
    400,
  );
  const preview = useQuery({
    queryKey: ['relief-calculate', request],
    enabled: request !== null,
    placeholderData: (previous) => previous,
    queryFn: async () =>
      fromApi<ReliefCalculation>(
        await unwrap(
          api.POST('/api/v1/relief/calculate', {
            body: {
              category: category ?? 'OTHER',
              year: year ?? new Date().getFullYear(),
              expenses: lines,
            },
          }),
        ),
      ),
  });

  const submit = async (values: FormValues) => {
    setSubmitting(true);
    setFailure(null);
    try {
      const created = await unwrap(
        api.POST('/api/v1/relief-applications', {
          params: { header: { 'Idempotency-Key': idempotencyKey } },
          body: {
            applicant: {
              name: values.applicant.name ?? '',
              idNumber: values.applicant.idNumber ?? '',
              phone: values.applicant.phone || undefined,
              category: values.applicant.category ?? 'OTHER',
              insuranceType: values.applicant.insuranceType ?? 'RESIDENT',
            },
            streetCode: (isStreetOffice ? street : values.streetCode) ?? '',
            year: values.year,
            expenses: completeLines(values.expenses),
          },
        }),
      );
      const c = fromApi<CaseView>(created);
      void message.success('申请已提交');
      void navigate(`/cases/${c.id}`);
    } catch (e) {
      if (e instanceof ApiError) {
        const errors = e.problem.errors ?? [];
        form.setFields(
          errors.flatMap((f) => {
            const name = fieldPath(f.field);
            return name ? [{ name, errors: [f.message] }] : [];
          }),
        );
        const unplaced = errors.filter((f) => !fieldPath(f.field));
        setFailure(
          e.status === 409
            ? '该表单已提交过且内容不同：请刷新页面重新填写'
            : e.status === 403
              ? '只能为本街道的居民提交申请'
              : unplaced.length > 0
                ? unplaced.map((f) => `${f.field}：${f.message}`).join('；')
                : errors.length > 0
                  ? '请按提示修改标红的内容'
                  : (e.problem.detail ?? `提交失败（${e.status}）`),
        );
      } else {
        setFailure('网络错误：请稍后再次提交（不会重复立案）');
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Row gutter={16}>
      <Col xs={24} xl={15}>
        <Card title="新建医疗救助申请">
          <Form<FormValues>
            form={form}
            layout="vertical"
            name="relief"
            onFinish={(v) => void submit(v)}
            initialValues={{
              year: new Date().getFullYear(),
              applicant: { insuranceType: 'RESIDENT' },
              expenses: [{ kind: 'INPATIENT' }],
            }}
            scrollToFirstError
          >
            {failure && (
              <Alert
                type="error"
                showIcon
                title={failure}
                style={{ marginBottom: 16 }}
                data-testid="submit-error"
              />
            )}
            <Divider titlePlacement="start" plain>
              申请人
            </Divider>
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Form.Item
                  label="姓名"
                  name={['applicant', 'name']}
                  rules={[{ required: true, message: '请输入姓名' }]}
                >
                  <Input maxLength={50} />
                </Form.Item>
              </Col>
              <Col xs={24} md={10}>
                <Form.Item
                  label="身份证号"
                  name={['applicant', 'idNumber']}
                  validateTrigger="onChange"
                  rules={[
                    { required: true, message: '请输入身份证号' },
                    {
                      validator: (_, value: unknown) => {
                        const problem =
                          typeof value === 'string' && value
                            ? residentIdProblem(value.trim())
                            : null;
                        return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
                      },
                    },
                  ]}
                >
                  <Input maxLength={18} data-testid="id-number" />
                </Form.Item>
              </Col>
              <Col xs={24} md={6}>
                <Form.Item
                  label="联系电话"
                  name={['applicant', 'phone']}
                  rules={[{ pattern: /^1\d{10}$/, message: '请输入 11 位手机号' }]}
                >
                  <Input maxLength={11} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  label="困难群众类别"
                  name={['applicant', 'category']}
                  rules={[{ required: true, message: '请选择类别' }]}
                >
                  <Select
                    data-testid="category"
                    options={Object.entries(CATEGORY_LABELS).map(([value, label]) => ({
                      value,
                      label,
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  label="参保类型"
                  name={['applicant', 'insuranceType']}
                  rules={[{ required: true, message: '请选择参保类型' }]}
                >
                  <Select
                    options={Object.entries(INSURANCE_LABELS).map(([value, label]) => ({
                      value,
                      label,
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  label="街道"
                  name="streetCode"
                  rules={isStreetOffice ? [] : [{ required: true, message: '请输入街道代码' }]}
                  tooltip={isStreetOffice ? '街道办只能为本街道居民申请' : undefined}
                >
                  {isStreetOffice ? (
                    <Input disabled placeholder={street} />
                  ) : (
                    <Input maxLength={32} />
                  )}
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item
                  label="救助年度"
                  name="year"
                  rules={[{ required: true, message: '请输入年度' }]}
                >
                  <InputNumber min={2000} max={2100} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
            <Divider titlePlacement="start" plain>
              医疗费用
            </Divider>
            <Form.List
              name="expenses"
              rules={[
                {
                  validator: (_, v: unknown[] | undefined) =>
                    v && v.length > 0
                      ? Promise.resolve()
                      : Promise.reject(new Error('至少填写一笔费用')),
                },
              ]}
            >
              {(fields, { add, remove }, { errors }) => (
                <>
                  {fields.map((field, i) => (
                    <Card
                      key={field.key}
                      size="small"
                      type="inner"
                      style={{ marginBottom: 12 }}
                      title={`费用 ${i + 1}`}
                      data-testid={`expense-${i}`}
                      extra={
                        fields.length > 1 && (
                          <Button
                            type="text"
                            danger
                            icon={<DeleteOutlined />}
                            onClick={() => remove(field.name)}
                          >
                            删除
                          </Button>
                        )
                      }
                    >
                      <Row gutter={12}>
                        <Col xs={24} md={6}>
                          <Form.Item
                            label="类型"
                            name={[field.name, 'kind']}
                            rules={[{ required: true, message: '请选择' }]}
                          >
                            <Select
                              options={Object.entries(EXPENSE_KIND_LABELS).map(
                                ([value, label]) => ({ value, label }),
                              )}
                            />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={10}>
                          <Form.Item
                            label="医疗机构"
                            name={[field.name, 'institution']}
                            rules={[{ required: true, message: '请输入医疗机构' }]}
                          >
                            <Input maxLength={200} data-testid="institution" />
                          </Form.Item>
                        </Col>
                        <Col xs={24} md={8}>
                          <Form.Item
                            label="就诊 / 入院日期"
                            name={[field.name, 'date']}
                            rules={[{ required: true, message: '请选择日期' }]}
                          >
                            <DatePicker
                              style={{ width: '100%' }}
                              format="YYYY-MM-DD"
                              data-testid="date"
                            />
                          </Form.Item>
                        </Col>
                        {MONEY_FIELDS.map(([name, label]) => (
                          <Col xs={12} md={8} key={name}>
                            <Form.Item
                              label={`${label}（元）`}
                              name={[field.name, name]}
                              rules={[
                                { required: true, message: '必填' },
                                { pattern: MONEY, message: '金额格式如 1200.00' },
                              ]}
                            >
                              <Input inputMode="decimal" data-testid={name} />
                            </Form.Item>
                          </Col>
                        ))}
                      </Row>
                    </Card>
                  ))}
                  <Button
                    type="dashed"
                    block
                    icon={<PlusOutlined />}
                    onClick={() => add({ kind: 'OUTPATIENT' })}
                    data-testid="add-expense"
                  >
                    添加一笔费用
                  </Button>
                  <Form.ErrorList errors={errors} />
                </>
              )}
            </Form.List>
            <Divider />
            <Space>
              <Button
                type="primary"
                htmlType="submit"
                loading={submitting}
                size="large"
                data-testid="submit"
              >
                提交申请
              </Button>
              <Typography.Text type="secondary">提交后由医保经办人员受理审核。</Typography.Text>
            </Space>
          </Form>
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Card
          title="救助金额测算（预览）"
          data-testid="preview"
          style={{ position: 'sticky', top: 24 }}
        >
          {request === null ? (
            <Empty description="选择类别并填写完整的费用后显示测算结果" />
          ) : preview.error ? (
            <Alert
              type="warning"
              showIcon
              title="暂时无法测算"
              description={preview.error.message}
            />
          ) : preview.data ? (
            <Spin spinning={preview.isFetching}>
              <CalculationView calculation={preview.data} compact />
              <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
                测算仅供参考：经办人核实类别后按核实结果计算。
              </Typography.Paragraph>
            </Spin>
          ) : (
            <Spin />
          )}
        </Card>
      </Col>
    </Row>
  );
}
