import Form from '@rjsf/antd';
import type RjsfForm from '@rjsf/core';
import type { ErrorSchema } from '@rjsf/utils';
import { Alert, Button, Modal, Space, Typography } from 'antd';
import { useRef, useState } from 'react';
import { api, ApiError, type FieldError, unwrap } from '../api/client';
import { type CaseView, eventBody, type EventType, fromApi, type JsonSchema } from '../api/types';
import { chineseErrors, fieldErrorsToSchema, schemaValidator } from './schemaForm';

type Payload = Record<string, unknown>;

function isPayload(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Refusal {
  title: string;
  /** What it means for the user, in Chinese. */
  explanation?: string;
  /** The service's own words (problem `detail`). */
  detail?: string;
  unplaced: FieldError[];
  conflict: boolean;
}

const STATUS_TITLES: Record<number, string> = {
  400: '填写内容有误',
  403: '无权执行此操作',
  404: '案件不存在或无权查看',
  409: '案件已被他人更新',
  422: '当前状态或业务规则不允许此操作',
};

const EXPLANATIONS: Record<number | 'conflict', string> = {
  conflict:
    '您看到的是旧版本：在您填写期间，其他人已办理了此案件。请刷新查看最新情况后再决定是否继续。',
  400: '请按字段下方的提示修改后重新提交。',
  403: '您的角色或所属范围不能办理此事项（例如同一人不能既核定又审批）。',
  422: '案件当前的状态或办理规则不接受这样填写，请核对各项内容（例如金额与测算不同时须说明理由）。',
};

/**
 * One event of a case as a form generated from the event's JSON Schema (no per-event code).
 * Sent with `If-Match` naming the version the page showed: a stale page gets 409, explained,
 * with a reload. Field errors of a 400/422 appear on the fields they name.
 */
export function EventFormModal(props: {
  caseView: CaseView;
  event: EventType;
  label: string;
  schema: JsonSchema;
  onDone: (updated: CaseView) => void;
  onReload: () => void;
  onClose: () => void;
}) {
  const [formData, setFormData] = useState<Payload>({});
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const fields = Object.keys(props.schema.properties ?? {});
  const formRef = useRef<RjsfForm<Payload>>(null);

  const send = async (payload: Payload) => {
    setBusy(true);
    setRefusal(null);
    setExtraErrors(undefined);
    try {
      const updated = await unwrap(
        api.POST('/api/v1/cases/{id}/events', {
          params: { path: { id: props.caseView.id } },
          headers: { 'if-match': `"${props.caseView.version}"` },
          body: eventBody(props.event, payload),
        }),
      );
      props.onDone(fromApi<CaseView>(updated));
    } catch (e) {
      if (!(e instanceof ApiError)) {
        setRefusal({ title: '网络错误，请稍后重试', unplaced: [], conflict: false });
        return;
      }
      const { errorSchema, unplaced } = fieldErrorsToSchema(e.problem.errors ?? [], fields);
      setExtraErrors(Object.keys(errorSchema).length > 0 ? errorSchema : undefined);
      setRefusal({
        title: STATUS_TITLES[e.status] ?? `操作失败（${e.status}）`,
        explanation: EXPLANATIONS[e.isVersionConflict ? 'conflict' : e.status],
        detail: e.isVersionConflict ? undefined : e.problem.detail,
        unplaced,
        conflict: e.status === 409,
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={props.label}
      onCancel={props.onClose}
      footer={[
        <Button key="cancel" onClick={props.onClose}>
          取消
        </Button>,
        <Button
          key="submit"
          type="primary"
          loading={busy}
          onClick={() => (fields.length === 0 ? void send({}) : formRef.current?.submit())}
          data-testid="event-submit"
        >
          确认{props.label}
        </Button>,
      ]}
      destroyOnHidden
      width={640}
      data-testid="event-form"
    >
      {refusal && (
        <Alert
          type={refusal.conflict ? 'warning' : 'error'}
          showIcon
          style={{ marginBottom: 16 }}
          data-testid={refusal.conflict ? 'conflict' : 'refusal'}
          title={refusal.title}
          description={
            <Space orientation="vertical">
              {refusal.explanation && <span>{refusal.explanation}</span>}
              {refusal.detail && (
                <span style={{ fontSize: 12, color: '#595959' }}>服务答复：{refusal.detail}</span>
              )}
              {refusal.unplaced.map((f) => (
                <span key={`${f.field}:${f.message}`}>
                  {f.field ? `${f.field}：` : ''}
                  {f.message}
                </span>
              ))}
              {refusal.conflict && (
                <Button type="primary" onClick={props.onReload} data-testid="reload">
                  刷新案件
                </Button>
              )}
            </Space>
          }
        />
      )}
      {fields.length === 0 ? (
        <Typography.Paragraph type="secondary" data-testid="no-fields">
          此操作无需填写内容，确认后即提交。
        </Typography.Paragraph>
      ) : (
        <Form
          ref={formRef}
          schema={props.schema}
          validator={schemaValidator}
          formData={formData}
          onChange={(e) => setFormData(isPayload(e.formData) ? e.formData : {})}
          onSubmit={(e) => void send(isPayload(e.formData) ? e.formData : {})}
          transformErrors={chineseErrors}
          extraErrors={extraErrors}
          showErrorList={false}
          noHtml5Validate
          disabled={busy}
          // An optional choice (认定为) starts empty: never pre-filled from its first `const`.
          experimental_defaultFormStateBehavior={{ constAsDefaults: 'never' }}
        >
          {/* The dialog's footer submits (antd's buttons, like every dialog of the app). */}
          <></>
        </Form>
      )}
    </Modal>
  );
}
