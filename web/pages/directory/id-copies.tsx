import { CameraOutlined, DownloadOutlined, IdcardOutlined, PictureOutlined, PrinterOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Flex, Form, Input, List, Modal, Segmented, Select, Space, Tag, Typography } from 'antd';
import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, withQuery } from '../../app/api';
import { useCan } from '../../app/auth';
import { isPhotoAcceptable } from '../../app/components/photo-upload';
import { formatDateTime, todayInChina } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import type { Person } from '../../app/types';

type Side = 'front' | 'back' | 'other';

interface IdCopy {
  id: string;
  side: Side;
  note: string;
  width: number;
  height: number;
  uploadedAt: number;
  uploadedBy: { id: string; name: string };
  project: { id: string; name: string };
}

const SIDES: Side[] = ['front', 'back', 'other'];
const PRESETS: MessageKey[] = [
  'idcopy.preset.checkin',
  'idcopy.preset.decoration',
  'idcopy.preset.parking',
  'idcopy.preset.access',
  'idcopy.preset.release',
];
const listKey = (personId: string) => ['person', personId, 'id-copies'] as const;

/**
 * The stamped copy as a blob. Not through `api`: the answer is an image, and only a failure is
 * JSON in the API's error shape.
 */
async function fetchStamped(id: string, purpose: string, download: boolean): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(withQuery(`/api/id-copies/${id}/stamped`, { purpose, download: download ? '1' : undefined }), {
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string; fields?: Record<string, string> };
    } | null;
    throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? '', body?.error?.fields ?? {});
  }
  return res.blob();
}

/** Prints the image alone: a hidden frame holding only it, so the page around it stays off paper. */
function printImage(url: string, title: string) {
  const frame = document.createElement('iframe');
  frame.setAttribute('aria-hidden', 'true');
  Object.assign(frame.style, { position: 'fixed', right: '0', bottom: '0', width: '0', height: '0', border: '0' });
  document.body.appendChild(frame);
  const doc = frame.contentDocument;
  const win = frame.contentWindow;
  if (!doc || !win) {
    frame.remove();
    return;
  }
  doc.title = title;
  const style = doc.createElement('style');
  style.textContent =
    '@page{margin:12mm}html,body{margin:0}img{display:block;max-width:100%;max-height:96vh;margin:0 auto;object-fit:contain}';
  doc.head.appendChild(style);
  const img = doc.createElement('img');
  img.onload = () => {
    win.focus();
    win.print();
    // Some browsers return from print() before the dialog closes: keep the frame a while.
    setTimeout(() => frame.remove(), 60_000);
  };
  img.src = url;
  doc.body.appendChild(img);
}

function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function PurposeModal({
  copy,
  onClose,
  onFetched,
}: {
  copy: IdCopy | null;
  onClose: () => void;
  onFetched: (purpose: string, blob: Blob) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ purpose: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (!copy) return;
    const { purpose } = await form.validateFields();
    setBusy(true);
    try {
      const blob = await fetchStamped(copy.id, purpose.trim(), false);
      onFetched(purpose.trim(), blob);
    } catch (e) {
      if (e instanceof ApiError && e.fields.purpose) form.setFields([{ name: 'purpose', errors: [e.fields.purpose] }]);
      else message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={!!copy}
      title={t('idcopy.purposeTitle')}
      onCancel={onClose}
      destroyOnHidden
      data-testid="idcopy-purpose-modal"
      footer={[
        <Button key="cancel" onClick={onClose} data-testid="idcopy-purpose-cancel">
          {t('common.cancel')}
        </Button>,
        <Button key="ok" type="primary" loading={busy} onClick={submit} data-testid="idcopy-purpose-ok">
          {t('idcopy.confirm')}
        </Button>,
      ]}
    >
      <Alert type="warning" showIcon title={t('idcopy.purposeWarning')} style={{ marginBottom: 16 }} />
      {/* preserve=false: the hidden modal drops its form, so the next copy starts with an empty purpose */}
      <Form form={form} layout="vertical" preserve={false} onFinish={submit}>
        <Form.Item
          name="purpose"
          label={t('idcopy.purposeLabel')}
          rules={[
            { required: true, whitespace: true, message: t('idcopy.purposeRequired') },
            { max: 30, message: t('idcopy.purposeTooLong') },
          ]}
        >
          <Input maxLength={30} showCount autoFocus placeholder={t('idcopy.purposePlaceholder')} data-testid="idcopy-purpose" />
        </Form.Item>
      </Form>
      <Space wrap size={[4, 8]}>
        <Typography.Text type="secondary">{t('idcopy.presets')}</Typography.Text>
        {PRESETS.map((k) => (
          <Tag.CheckableTag
            key={k}
            checked={false}
            onChange={() => form.setFieldsValue({ purpose: t(k) })}
            data-testid={`idcopy-preset-${k.slice('idcopy.preset.'.length)}`}
          >
            {t(k)}
          </Tag.CheckableTag>
        ))}
      </Space>
    </Modal>
  );
}

function StampedViewer({ copy, purpose, blob, onClose }: { copy: IdCopy | null; purpose: string; blob: Blob | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);
  const [url, setUrl] = useState<string | null>(null);

  useEffect(() => {
    if (!blob) return;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => {
      URL.revokeObjectURL(u);
      setUrl(null);
    };
  }, [blob]);

  // The download is fetched again with download=1, so the trail records it as a download.
  const download = async () => {
    if (!copy) return;
    setDownloading(true);
    try {
      saveBlob(await fetchStamped(copy.id, purpose, true), t('idcopy.fileName', { purpose, date: todayInChina() }));
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Modal
      open={!!copy && !!blob}
      title={t('idcopy.viewerTitle', { purpose })}
      onCancel={onClose}
      width={900}
      data-testid="idcopy-viewer"
      footer={
        <Space wrap>
          <Button icon={<DownloadOutlined />} loading={downloading} onClick={download} data-testid="idcopy-download">
            {t('idcopy.download')}
          </Button>
          <Button
            icon={<PrinterOutlined />}
            disabled={!url}
            onClick={() => url && printImage(url, t('idcopy.title'))}
            data-testid="idcopy-print"
          >
            {t('idcopy.print')}
          </Button>
          <Button type="primary" onClick={onClose} data-testid="idcopy-close">
            {t('idcopy.close')}
          </Button>
        </Space>
      }
    >
      <Flex vertical gap={8}>
        <Tag color="orange" style={{ alignSelf: 'flex-start' }}>
          {t('idcopy.logged')}
        </Tag>
        {url ? (
          <img
            src={url}
            alt={t('idcopy.viewerTitle', { purpose })}
            style={{ display: 'block', maxWidth: '100%', maxHeight: '70vh', margin: '0 auto' }}
            data-testid="idcopy-image"
          />
        ) : null}
      </Flex>
    </Modal>
  );
}

function IdCopiesCard({ person }: { person: Person }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const camera = useRef<HTMLInputElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [side, setSide] = useState<Side>('front');
  const [note, setNote] = useState('');
  const projects = [...new Map(person.units.map((u) => [u.projectId, u.projectName])).entries()];
  const [projectId, setProjectId] = useState<string | undefined>(undefined);
  const [asking, setAsking] = useState<IdCopy | null>(null);
  const [shown, setShown] = useState<{ copy: IdCopy; purpose: string; blob: Blob } | null>(null);

  const list = useQuery({
    queryKey: listKey(person.id),
    queryFn: () => api.get<IdCopy[]>(`/api/people/${person.id}/id-copies`),
  });

  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('side', side);
      if (note.trim()) form.append('note', note.trim());
      if (projectId) form.append('projectId', projectId);
      form.append('file', file);
      return api.post<IdCopy>(`/api/people/${person.id}/id-copies`, undefined, { form });
    },
    onSuccess: () => {
      message.success(t('idcopy.uploaded'));
      setNote('');
      return qc.invalidateQueries({ queryKey: listKey(person.id) });
    },
    onError: (e) => message.error(errorText(e, t)),
  });

  const chosen = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    // Cleared so choosing the same file again still fires a change.
    e.target.value = '';
    if (!file) return;
    const bad = isPhotoAcceptable(file);
    if (bad) {
      message.error(t(bad === 'type' ? 'photo.badType' : 'photo.tooBig', { name: file.name }));
      return;
    }
    upload.mutate(file);
  };

  const sideLabel = (s: Side) => t(`idcopy.side.${s}` as MessageKey);

  return (
    <Card size="small" title={t('idcopy.title')} style={{ marginTop: 16 }} data-testid="idcopy-section">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {t('idcopy.hint')}
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Side>
          value={side}
          onChange={setSide}
          options={SIDES.map((s) => ({ value: s, label: sideLabel(s) }))}
          data-testid="idcopy-side"
        />
        {projects.length > 1 ? (
          <Select
            style={{ minWidth: 140 }}
            placeholder={t('idcopy.project')}
            value={projectId}
            onChange={setProjectId}
            allowClear
            options={projects.map(([id, name]) => ({ value: id, label: name }))}
            data-testid="idcopy-project"
          />
        ) : null}
        <Input
          style={{ width: 200 }}
          maxLength={100}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          placeholder={t('idcopy.notePlaceholder')}
          data-testid="idcopy-note"
        />
        <Button
          icon={<CameraOutlined />}
          loading={upload.isPending}
          onClick={() => camera.current?.click()}
          data-testid="idcopy-take-photo"
        >
          {t('idcopy.takePhoto')}
        </Button>
        <Button
          icon={<PictureOutlined />}
          loading={upload.isPending}
          onClick={() => picker.current?.click()}
          data-testid="idcopy-choose-file"
        >
          {t('idcopy.chooseFile')}
        </Button>
        <input
          ref={camera}
          type="file"
          accept="image/*"
          capture="environment"
          style={{ display: 'none' }}
          onChange={chosen}
          data-testid="idcopy-camera-input"
        />
        <input
          ref={picker}
          type="file"
          accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
          style={{ display: 'none' }}
          onChange={chosen}
          data-testid="idcopy-file-input"
        />
      </Space>
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, t)} /> : null}
      <List<IdCopy>
        size="small"
        loading={list.isPending}
        dataSource={list.data ?? []}
        locale={{ emptyText: t('idcopy.empty') }}
        data-testid="idcopy-list"
        renderItem={(c) => (
          <List.Item
            data-testid="idcopy-row"
            data-id={c.id}
            actions={[
              <Button key="open" size="small" icon={<IdcardOutlined />} onClick={() => setAsking(c)} data-testid={`idcopy-open-${c.id}`}>
                {t('idcopy.open')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <Space wrap size={4}>
                  <Tag color={c.side === 'front' ? 'blue' : c.side === 'back' ? 'geekblue' : 'default'}>{sideLabel(c.side)}</Tag>
                  <span>{c.project.name}</span>
                  {c.note ? <Typography.Text type="secondary">{c.note}</Typography.Text> : null}
                </Space>
              }
              description={t('idcopy.uploadedBy', { name: c.uploadedBy.name, at: formatDateTime(c.uploadedAt) })}
            />
          </List.Item>
        )}
      />
      <PurposeModal
        copy={asking}
        onClose={() => setAsking(null)}
        onFetched={(purpose, blob) => {
          if (asking) setShown({ copy: asking, purpose, blob });
          setAsking(null);
        }}
      />
      <StampedViewer copy={shown?.copy ?? null} purpose={shown?.purpose ?? ''} blob={shown?.blob ?? null} onClose={() => setShown(null)} />
    </Card>
  );
}

/** The person page's 身份证复印件 section: only for those who may store and fetch copies. */
export function IdCopies({ person }: { person: Person }) {
  const can = useCan();
  return can('idcopy.use') ? <IdCopiesCard person={person} /> : null;
}
