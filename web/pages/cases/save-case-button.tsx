import { BookOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { z } from 'zod';
import type * as Cs from '../../../server/domains/complaints/cases.schema.ts';
import { ApiError, api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { errorText } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import type { ComplaintCase } from './cases-page';

type Draft = z.infer<typeof Cs.CaseDraft>;
type CaseField = keyof typeof Cs.CASE_FIELDS;
type Values = Record<CaseField, string>;

type Grade = (typeof Cs.GRADES)[number];
const GRADE_COLOR: Record<Grade, string> = { general: 'default', significant: 'orange', urgent: 'red' };

export function GradeTag(props: { grade: Grade }) {
  const t = useT();
  return <Tag color={GRADE_COLOR[props.grade]}>{t(`cases.grade.${props.grade}` as MessageKey)}</Tag>;
}

export interface SaveCaseButtonProps {
  requestId: string;
  kind: string;
  status: string;
  /** The viewer holds request.supervise. */
  allowed: boolean;
}

/** Only a closed complaint is a finished story worth teaching; the server enforces the same. */
export function SaveCaseButton(props: SaveCaseButtonProps) {
  if (!props.allowed || props.kind !== 'complaint' || props.status !== 'closed') return null;
  return <SaveCase requestId={props.requestId} />;
}

export default SaveCaseButton;

const FIELDS: { name: CaseField; rows: number; max: number; required: boolean }[] = [
  { name: 'title', rows: 0, max: 100, required: true },
  { name: 'summary', rows: 4, max: 4000, required: true },
  { name: 'handling', rows: 5, max: 8000, required: true },
  { name: 'cause', rows: 3, max: 2000, required: true },
  { name: 'preventive', rows: 3, max: 2000, required: true },
  { name: 'lessons', rows: 3, max: 2000, required: false },
];

/**
 * Loads the server's draft (personal data already replaced) for the supervisor to read through
 * and edit. The server checks the text again on saving; its field errors land under the fields.
 */
function SaveCase(props: { requestId: string }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [loading, setLoading] = useState(false);

  const showCase = (caseId: string) => navigate(`/cases?case=${encodeURIComponent(caseId)}`);

  const start = async () => {
    setLoading(true);
    try {
      const d = await api.get<Draft>(`/api/requests/${props.requestId}/case-draft`);
      if (d.caseId) {
        const caseId = d.caseId;
        modal.confirm({
          title: t('cases.already'),
          content: t('cases.alreadyBody'),
          okText: t('cases.view'),
          cancelText: t('common.cancel'),
          onOk: () => showCase(caseId),
        });
      } else {
        setDraft(d);
      }
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setLoading(false);
    }
  };

  const submit = async (v: Values) => {
    try {
      // Only the form's own sections: the draft's other keys (project, number…) are the server's to decide.
      const body = Object.fromEntries(FIELDS.map((f) => [f.name, v[f.name] ?? '']));
      const saved = await api.post<ComplaintCase>('/api/cases', { requestId: props.requestId, ...body });
      await qc.invalidateQueries({ queryKey: ['cases'] });
      message.success({
        content: (
          <span>
            {t('cases.saved')}{' '}
            <Typography.Link onClick={() => showCase(saved.id)} data-testid="save-case-view">
              {t('cases.view')}
            </Typography.Link>
          </span>
        ),
      });
    } catch (e) {
      // Saved meanwhile by someone else: nothing to fix in the form, the case is there to read.
      if (e instanceof ApiError && e.status === 409) {
        message.warning(e.message || t('cases.already'));
        return;
      }
      throw e;
    }
  };

  return (
    <>
      <Button icon={<BookOutlined />} onClick={start} loading={loading} data-testid="save-case">
        {t('cases.save')}
      </Button>
      <FormModal<Values>
        title={draft ? t('cases.saveTitle', { number: draft.requestNumber }) : ''}
        open={!!draft}
        onClose={() => setDraft(null)}
        initialValues={draft ?? undefined}
        onSubmit={submit}
        okText={t('cases.save')}
        width={760}
        testId="save-case-modal"
      >
        {draft ? (
          <>
            <Alert type="info" showIcon title={t('cases.saveHint')} style={{ marginBottom: 12 }} />
            <Flex gap={8} align="center" style={{ marginBottom: 12 }} data-testid="save-case-meta">
              <GradeTag grade={draft.grade} />
              <Typography.Text type="secondary">
                {t('cases.meta', { project: draft.projectName, category: draft.category || '—' })}
              </Typography.Text>
            </Flex>
            {FIELDS.map((f) => {
              const label = t(`cases.field.${f.name}` as MessageKey);
              return (
                <Form.Item
                  key={f.name}
                  name={f.name}
                  label={label}
                  rules={f.required ? [{ required: true, whitespace: true, message: t('cases.required', { field: label }) }] : []}
                >
                  {f.rows ? (
                    <Input.TextArea
                      autoSize={{ minRows: f.rows, maxRows: 14 }}
                      maxLength={f.max}
                      placeholder={f.name === 'lessons' ? t('cases.lessonsPlaceholder') : undefined}
                      data-testid={`case-field-${f.name}`}
                    />
                  ) : (
                    <Input maxLength={f.max} data-testid={`case-field-${f.name}`} />
                  )}
                </Form.Item>
              );
            })}
          </>
        ) : null}
      </FormModal>
    </>
  );
}
