import { SaveOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { useCategories, useProjects } from '../../app/data';
import { errorText, useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';

interface RepairSettings {
  scope: string;
  warranty: { years: Record<string, number>; defaultYears: number };
  aftercare: { ratePct: number; majorDefects: string[]; followUpDays: number[]; weeklyDueWorkingDays: number };
}

interface Values {
  years: Record<string, number | null>;
  defaultYears: number;
  ratePct: number;
  majorDefects: string[];
  followUpDays: string[];
  weeklyDueWorkingDays: number;
}

/** R-RP-2, R-RP-7: the warranty periods that decide free or paid, the callback share and the major-defect follow-ups, per project. */
export default function RepairRulesPage() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const projectId = params.get('projectId') ?? projects.data?.[0]?.id;
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const categories = useCategories('repair');
  const leafNames = useMemo(() => {
    const all = categories.data ?? [];
    const parents = new Set(all.map((c) => c.parentId).filter(Boolean));
    return all.filter((c) => !parents.has(c.id)).map((c) => c.name);
  }, [categories.data]);
  const settings = useQuery({
    queryKey: ['repair-settings', projectId],
    queryFn: () => api.get<RepairSettings>('/api/settings/repairs', { projectId }),
    enabled: !!projectId,
  });

  useEffect(() => {
    const s = settings.data;
    if (!s) return;
    form.setFieldsValue({
      years: Object.fromEntries(leafNames.map((n) => [n, s.warranty.years[n] ?? null])),
      defaultYears: s.warranty.defaultYears,
      ratePct: s.aftercare.ratePct,
      majorDefects: s.aftercare.majorDefects,
      followUpDays: s.aftercare.followUpDays.map(String),
      weeklyDueWorkingDays: s.aftercare.weeklyDueWorkingDays,
    });
  }, [settings.data, leafNames, form]);

  const save = async (v: Values) => {
    if (!projectId) return;
    setSaving(true);
    try {
      const years = Object.fromEntries(Object.entries(v.years ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'));
      await api.put('/api/settings/repairs', {
        projectId,
        warranty: { years, defaultYears: v.defaultYears },
        aftercare: {
          ratePct: v.ratePct,
          majorDefects: v.majorDefects,
          followUpDays: v.followUpDays.map((d) => Number(d)).filter((d) => Number.isInteger(d) && d > 0),
          weeklyDueWorkingDays: v.weeklyDueWorkingDays,
        },
      });
      message.success(t('common.saved'));
      await qc.invalidateQueries({ queryKey: ['repair-settings', projectId] });
    } catch (e) {
      report(e, { form });
    } finally {
      setSaving(false);
    }
  };

  return (
    <div>
      <PageHeader
        title={t('repairRules.title')}
        sub={t('repairRules.sub')}
        extra={
          <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => form.submit()} data-testid="repair-rules-save">
            {t('common.save')}
          </Button>
        }
      />
      <ProjectSelect
        value={projectId}
        onChange={(v) => setParams(v ? { projectId: v } : {}, { replace: true })}
        style={{ width: 200, marginBottom: 16 }}
      />
      {settings.isError ? <Alert type="error" showIcon title={errorText(settings.error, t)} /> : null}
      <Form<Values> form={form} layout="vertical" onFinish={save} disabled={!settings.data}>
        <Row gutter={16}>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('repairRules.aftercare')} style={{ marginBottom: 16 }}>
              <Form.Item name="ratePct" label={t('repairRules.ratePct')} rules={[{ required: true, message: t('form.required') }]}>
                <InputNumber min={1} max={100} suffix="%" style={{ width: 160 }} data-testid="repair-rules-rate" />
              </Form.Item>
              <Form.Item
                name="weeklyDueWorkingDays"
                label={t('repairRules.dueDays')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <InputNumber min={1} max={10} style={{ width: 160 }} />
              </Form.Item>
              <Form.Item name="majorDefects" label={t('repairRules.majorDefects')} extra={t('repairRules.majorDefectsHint')}>
                <Select mode="multiple" options={leafNames.map((n) => ({ value: n, label: n }))} data-testid="repair-rules-major" />
              </Form.Item>
              <Form.Item
                name="followUpDays"
                label={t('repairRules.followUpDays')}
                extra={t('repairRules.followUpDaysHint')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} />
              </Form.Item>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <Card size="small" title={t('repairRules.warranty')}>
              <Typography.Paragraph type="secondary">{t('repairRules.warrantyHint')}</Typography.Paragraph>
              <Form.Item
                name="defaultYears"
                label={t('repairRules.defaultYears')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <InputNumber min={0} max={50} suffix={t('repairRules.years')} style={{ width: 160 }} />
              </Form.Item>
              <Row gutter={12}>
                {leafNames.map((n) => (
                  <Col key={n} xs={12} md={8}>
                    <Form.Item name={['years', n]} label={n}>
                      <InputNumber min={0} max={50} suffix={t('repairRules.years')} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                ))}
              </Row>
            </Card>
          </Col>
        </Row>
      </Form>
    </div>
  );
}
