import { emptyText } from '../components/EmptyText';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Select, Space, Table, Upload } from 'antd';
import { useState } from 'react';
import { api, ApiError, unwrap } from '../api/client';
import { type AttachmentKind, type AttachmentView, fromApi, type Page } from '../api/types';
import { formatTime } from '../labels';

const KIND_LABELS: Record<AttachmentKind, string> = {
  SUPPLEMENT: '补正材料',
  CERTIFICATE: '证明材料',
  EVIDENCE: '证据',
  MINUTES: '会议纪要',
  DECISION: '决定书',
  OTHER: '其他',
};

/** What the service accepts (src/attachments/attachment-type.ts) and up to how large by default. */
const ACCEPT = '.pdf,.jpg,.jpeg,.png';
const MAX_MB = 10;

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.ceil(bytes / 1024)} KB`;
}

function uploadFailure(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 413) {
      return `文件过大：单个附件不超过 ${MAX_MB} MB`;
    }
    if (e.status === 415) {
      return '文件类型不允许：仅接受 PDF、JPG、PNG（按文件内容识别）';
    }
    if (e.status === 403) {
      return '您无权为此案件上传附件';
    }
    return e.problem.errors?.map((f) => f.message).join('；') ?? e.message;
  }
  return '上传失败，请稍后重试';
}

/** 附件: the case's files (upload with the service's type and size checks; download with the token). */
export function AttachmentsPanel(props: { caseId: string; canUpload: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<AttachmentKind>('CERTIFICATE');
  const [error, setError] = useState<string | null>(null);
  const key = ['case', props.caseId, 'attachments'];
  const list = useQuery({
    queryKey: key,
    queryFn: async () =>
      fromApi<Page<AttachmentView>>(
        await unwrap(
          api.GET('/api/v1/cases/{id}/attachments', { params: { path: { id: props.caseId } } }),
        ),
      ),
  });

  const upload = async (file: File) => {
    setError(null);
    try {
      await unwrap(
        api.POST('/api/v1/cases/{id}/attachments', {
          params: { path: { id: props.caseId } },
          // The document types the binary part as a string; the serializer sends the File itself.
          body: { kind, file: file.name },
          bodySerializer: () => {
            const form = new FormData();
            form.append('kind', kind);
            form.append('file', file, file.name);
            return form;
          },
        }),
      );
      void message.success(`已上传：${file.name}`);
      // The upload is in the case's history and moved its version on: show both.
      await queryClient.invalidateQueries({ queryKey: ['case', props.caseId] });
    } catch (e) {
      setError(uploadFailure(e));
    }
  };

  const download = async (a: AttachmentView) => {
    const { data, response } = await api.GET('/api/v1/cases/{id}/attachments/{attachmentId}', {
      params: { path: { id: props.caseId, attachmentId: a.id } },
      parseAs: 'blob',
    });
    if (!response.ok || !data) {
      void message.error('下载失败');
      return;
    }
    // The download is recorded in the case's history (and moves its version on).
    void queryClient.invalidateQueries({ queryKey: ['case', props.caseId] });
    const url = URL.createObjectURL(data);
    const link = document.createElement('a');
    link.href = url;
    link.download = a.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <Card
      title="附件"
      extra={
        props.canUpload && (
          <Space>
            <Select<AttachmentKind>
              aria-label="附件类别"
              value={kind}
              onChange={setKind}
              style={{ width: 120 }}
              options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
            />
            <Upload
              accept={ACCEPT}
              showUploadList={false}
              beforeUpload={(file) => {
                void upload(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} data-testid="upload">
                上传附件
              </Button>
            </Upload>
          </Space>
        )
      }
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          style={{ marginBottom: 16 }}
          data-testid="upload-error"
          closable
        />
      )}
      <Table<AttachmentView>
        size="small"
        rowKey="id"
        pagination={false}
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: emptyText('暂无附件') }}
        columns={[
          { title: '文件名', dataIndex: 'fileName' },
          { title: '类别', render: (_, a) => KIND_LABELS[a.kind] },
          { title: '大小', render: (_, a) => size(a.sizeBytes) },
          { title: '上传时间', render: (_, a) => formatTime(a.uploadedAt) },
          {
            title: '操作',
            render: (_, a) => (
              <Button size="small" icon={<DownloadOutlined />} onClick={() => void download(a)}>
                下载
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}
