import { SaveOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Empty, Form, InputNumber, Select, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { useProjects } from '../../app/data';
import { errorText, useErrorReporter } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { DeadlineRuleRow, DeadlineRulesPut } from '../../app/types';

type Unit = 'minutes' | 'hours' | 'workingDays' | 'workingHours' | 'workingMinutes';

interface RuleValues {
  basis: 'calendar' | 'working';
  amount?: number;
  unit: Unit;
  warnLeadMinutes: number;
  escalateAfterMinutes: number;
}

const UNITS: Record<RuleValues['basis'], Unit[]> = {
  calendar: ['minutes', 'hours'],
  working: ['workingDays', 'workingHours', 'workingMinutes'],
};

/** A stored rule → what the form shows: whole hours read as hours, everything else in the unit stored. */
function valuesOf(r: DeadlineRuleRow): RuleValues {
  const base = { basis: r.basis, warnLeadMinutes: r.warnLeadMinutes, escalateAfterMinutes: r.escalateAfterMinutes };
  if (r.basis === 'working' && r.workingDays !== undefined) return { ...base, amount: r.workingDays, unit: 'workingDays' };
  const hours = r.minutes !== undefined && r.minutes % 60 === 0;
  const unit: Unit = r.basis === 'working' ? (hours ? 'workingHours' : 'workingMinutes') : hours ? 'hours' : 'minutes';
  if (r.minutes === undefined) return { ...base, unit };
  return { ...base, unit, amount: unit === 'hours' || unit === 'workingHours' ? r.minutes / 60 : r.minutes };
}

/** The form's rule → the API's: calendar time in minutes, working time in working days or minutes. */
function ruleOf(v: RuleValues): DeadlineRulesPut['rules'][string] {
  const out: DeadlineRulesPut['rules'][string] = {
    basis: v.basis,
    warnLeadMinutes: v.warnLeadMinutes,
    escalateAfterMinutes: v.escalateAfterMinutes,
  };
  if (v.amount === undefined || v.amount === null) return out;
  if (v.unit === 'workingDays') out.workingDays = Math.round(v.amount);
  else out.minutes = Math.round(v.unit === 'hours' || v.unit === 'workingHours' ? v.amount * 60 : v.amount);
  return out;
}

export default function DeadlineRulesPage() {
  const { t, tx } = useTx();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const projectId = params.get('projectId') ?? projects.data?.[0]?.id;
  const [form] = Form.useForm<{ rules: Record<string, RuleValues> }>();
  const [saving, setSaving] = useState(false);
  const rules = useQuery({
    queryKey: ['deadline-rules', projectId],
    queryFn: () => api.get<DeadlineRuleRow[]>('/api/settings/deadline-rules', { projectId }),
    enabled: !!projectId,
  });

  useEffect(() => {
    if (rules.data) form.setFieldsValue({ rules: Object.fromEntries(rules.data.map((r) => [r.kind, valuesOf(r)])) });
  }, [rules.data, form]);

  const save = async (v: { rules: Record<string, RuleValues> }) => {
    if (!projectId) return;
    setSaving(true);
    try {
      const body: DeadlineRulesPut = { projectId, rules: Object.fromEntries(Object.entries(v.rules).map(([k, r]) => [k, ruleOf(r)])) };
      await api.put('/api/settings/deadline-rules', body);
      message.success(t('common.saved'));
      await qc.invalidateQueries({ queryKey: ['deadline-rules', projectId] });
    } catch (e) {
      report(e, { form });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div>
      <PageHeader
        title={t('rules.title')}
        sub={t('rules.sub')}
        extra={
          <>
            <ProjectSelect value={projectId} onChange={(id) => setParams(id ? { projectId: id } : {}, { replace: true })} />
            <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => form.submit()} disabled={!rules.data}>
              {t('common.save')}
            </Button>
          </>
        }
      />
      {rules.isError ? <Alert type="error" showIcon title={errorText(rules.error, t)} /> : null}
      {!projectId ? (
        <Empty description={t('calendar.noProject')} />
      ) : (
        <Form form={form} onFinish={save}>
          <Table<DeadlineRuleRow>
            rowKey="kind"
            loading={rules.isPending}
            dataSource={rules.data}
            pagination={false}
            scroll={{ x: 900 }}
            columns={[
              {
                title: t('rules.promise'),
                dataIndex: 'label',
                width: 200,
                render: (_, r) => (
                  <>
                    <Typography.Text strong>{tx(`deadlineKind.${r.kind}`, r.label)}</Typography.Text>
                    <br />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.kind}
                    </Typography.Text>
                  </>
                ),
              },
              {
                title: t('deadline.basis'),
                key: 'basis',
                width: 150,
                render: (_, r) => (
                  <Form.Item name={['rules', r.kind, 'basis']} noStyle>
                    <Select
                      style={{ width: 130 }}
                      options={(['calendar', 'working'] as const).map((b) => ({ value: b, label: t(`basis.${b}`) }))}
                      onChange={(b: RuleValues['basis']) => form.setFieldValue(['rules', r.kind, 'unit'], UNITS[b][0])}
                    />
                  </Form.Item>
                ),
              },
              {
                title: t('rules.duration'),
                key: 'amount',
                width: 260,
                render: (_, r) => (
                  <Space.Compact>
                    <Form.Item name={['rules', r.kind, 'amount']} noStyle>
                      <InputNumber min={1} max={99999} placeholder={t('rules.byPromise')} style={{ width: 120 }} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() => (
                        <Form.Item name={['rules', r.kind, 'unit']} noStyle>
                          <Select
                            style={{ width: 110 }}
                            options={UNITS[(form.getFieldValue(['rules', r.kind, 'basis']) as RuleValues['basis']) ?? 'calendar'].map(
                              (u) => ({
                                value: u,
                                label: t(`rules.unit.${u}`),
                              }),
                            )}
                          />
                        </Form.Item>
                      )}
                    </Form.Item>
                  </Space.Compact>
                ),
              },
              {
                title: t('rules.warnLead'),
                key: 'warn',
                width: 160,
                render: (_, r) => (
                  <Form.Item name={['rules', r.kind, 'warnLeadMinutes']} noStyle>
                    <InputNumber min={0} max={43200} suffix={t('rules.unit.minutes')} style={{ width: 130 }} />
                  </Form.Item>
                ),
              },
              {
                title: t('rules.escalateAfter'),
                key: 'esc',
                width: 160,
                render: (_, r) => (
                  <Form.Item name={['rules', r.kind, 'escalateAfterMinutes']} noStyle>
                    <InputNumber min={0} max={43200} suffix={t('rules.unit.minutes')} style={{ width: 130 }} />
                  </Form.Item>
                ),
              },
            ]}
          />
        </Form>
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        {t('rules.hint')}
      </Typography.Paragraph>
    </div>
  );
}
