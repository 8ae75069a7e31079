import Form from '@rjsf/antd';
import type { ErrorSchema } from '@rjsf/utils';
import { Alert, Button, Modal, Space } from 'antd';
import { useState } from 'react';
import { api, ApiError, type FieldError, unwrap } from '../api/client';
import { type CaseView, fromApi, type JsonSchema } from '../api/types';
import { chineseErrors, fieldErrorsToSchema, schemaValidator } from './schemaForm';

type Payload = Record<string, unknown>;

function isPayload(value: unknown): value is Payload {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Refusal {
  title: string;
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

/**
 * One event of a case as a form generated from the event's JSON Schema (no per-event code).
 * Sent with `If-Match` naming the version the page showed: a stale page gets 409, explained,
 * with a reload. Field errors of a 400/422 appear on the fields they name.
 */
export function EventFormModal(props: {
  caseView: CaseView;
  event: string;
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

  const send = async (payload: Payload) => {
    setBusy(true);
    setRefusal(null);
    setExtraErrors(undefined);
    try {
      const updated = await unwrap(
        api.POST('/api/v1/cases/{id}/events', {
          params: { path: { id: props.caseView.id } },
          headers: { 'if-match': `"${props.caseView.version}"` },
          body: { ...payload, type: props.event },
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
        detail: e.isVersionConflict
          ? '您看到的是旧版本：在您填写期间，其他人已办理了此案件。请刷新查看最新情况后再决定是否继续。'
          : e.problem.detail,
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
      footer={null}
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
              {refusal.detail && <span>{refusal.detail}</span>}
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
      <Form
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
        uiSchema={{
          'ui:submitButtonOptions': { submitText: `确认${props.label}`, props: { disabled: busy } },
        }}
      />
    </Modal>
  );
}
