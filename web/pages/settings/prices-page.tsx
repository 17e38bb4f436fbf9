import { EditOutlined, LockOutlined, PlusOutlined, PrinterOutlined, StopOutlined, UndoOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, AutoComplete, Button, Empty, Flex, Form, Input, InputNumber, Radio, Switch, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, api } from '../../app/api';
import { useCan, useMe } from '../../app/auth';
import { FormModal } from '../../app/components/form-modal';
import { PageHeader } from '../../app/components/page-header';
import { ProjectSelect } from '../../app/components/pickers';
import { keys, usePriceItems, useProjects } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { PriceItem, PriceItemCreate, PriceItemPatch } from '../../app/types';
import { PriceTable } from './price-table';

interface PriceValues {
  version?: number;
  scope: 'company' | 'project';
  category: string;
  name: string;
  unit: string;
  /** Edited in yuan; the API keeps fen. */
  yuan: number;
  note: string;
  sort: number;
}

/** Names the API uses for a field → where that field sits in this form. */
const FIELD_OF: Record<string, keyof PriceValues> = { priceFen: 'yuan', projectId: 'scope' };

function remapFields(e: unknown): unknown {
  if (!(e instanceof ApiError) || !Object.keys(e.fields).length) return e;
  const fields = Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [FIELD_OF[k] ?? k, v]));
  return new ApiError(e.status, e.code, e.message, fields, e.current);
}

// Rounded, not truncated: 0.29 yuan is 28.999… fen in floating point.
const fenOf = (yuan: number) => Math.round(yuan * 100);

const valuesOf = (p: PriceItem): PriceValues => ({
  version: p.version,
  scope: p.projectId === null ? 'company' : 'project',
  category: p.category,
  name: p.name,
  unit: p.unit,
  yuan: p.priceFen / 100,
  note: p.note,
  sort: p.sort,
});

/**
 * The repair price list (收费标准). Managers of the configuration maintain it; every other
 * member of staff sees the same list read-only, to show a resident the price before a paid
 * repair. Company-wide items are kept by company-level accounts only, as the server enforces.
 */
export default function PricesPage() {
  const t = useT();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const report = useErrorReporter();
  const can = useCan();
  const me = useMe();
  const projects = useProjects();
  const [params, setParams] = useSearchParams();
  const projectId = params.get('projectId') ?? projects.data?.[0]?.id;
  const projectName = projects.data?.find((p) => p.id === projectId)?.name ?? '';
  const manage = can('config.manage');
  const companyLevel = me.data?.projectIds === null;
  const showInactive = manage && params.get('all') === 'true';
  const items = usePriceItems(projectId, showInactive);
  const [editing, setEditing] = useState<PriceItem | 'new' | null>(null);
  const categories = useMemo(() => [...new Set((items.data ?? []).map((i) => i.category))].map((c) => ({ value: c })), [items.data]);

  // A new item goes last: categories are ordered by their smallest sort number, so a 0 would move its category to the top.
  const nextSort = Math.min(999, Math.max(-1, ...(items.data ?? []).map((i) => i.sort)) + 1);

  const setParam = (key: string, value: string | undefined) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const refresh = () => qc.invalidateQueries({ queryKey: keys.priceItemsAll });
  const editable = (p: PriceItem) => companyLevel || p.projectId !== null;

  const setActive = async (p: PriceItem, active: boolean) => {
    try {
      await api.patch<PriceItem>(`/api/price-items/${p.id}`, { version: p.version, active } satisfies PriceItemPatch);
      await refresh();
    } catch (e) {
      report(e, { onReload: refresh });
    }
  };
  const deactivate = (p: PriceItem) =>
    modal.confirm({
      title: t('prices.deactivateTitle', { name: p.name }),
      content: t('prices.deactivateBody'),
      okText: t('prices.deactivate'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => setActive(p, false),
    });

  const actions = (p: PriceItem) =>
    editable(p) ? (
      <Flex gap={4} wrap>
        <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(p)}>
          {t('common.edit')}
        </Button>
        {p.active ? (
          <Button size="small" type="link" danger icon={<StopOutlined />} onClick={() => deactivate(p)}>
            {t('prices.deactivate')}
          </Button>
        ) : (
          <Button size="small" type="link" icon={<UndoOutlined />} onClick={() => setActive(p, true)}>
            {t('prices.activate')}
          </Button>
        )}
      </Flex>
    ) : (
      <Tooltip title={t('prices.companyLocked')}>
        <Typography.Text type="secondary">
          <LockOutlined /> {t('prices.companyKept')}
        </Typography.Text>
      </Tooltip>
    );

  const submit = async (v: PriceValues) => {
    try {
      if (editing === 'new') {
        const body: PriceItemCreate = {
          projectId: v.scope === 'company' ? null : (projectId ?? null),
          category: v.category,
          name: v.name,
          unit: v.unit,
          priceFen: fenOf(v.yuan),
          note: v.note ?? '',
          sort: v.sort ?? 0,
        };
        await api.post<PriceItem>('/api/price-items', body);
      } else if (editing) {
        const body: PriceItemPatch = {
          version: v.version ?? editing.version,
          category: v.category,
          name: v.name,
          unit: v.unit,
          priceFen: fenOf(v.yuan),
          note: v.note ?? '',
          sort: v.sort ?? 0,
        };
        await api.patch<PriceItem>(`/api/price-items/${editing.id}`, body);
      }
    } catch (e) {
      throw remapFields(e);
    }
    await refresh();
  };

  return (
    <div>
      <div className="no-print">
        <PageHeader
          title={t('prices.title')}
          sub={manage ? t('prices.sub') : t('prices.subReadOnly')}
          extra={
            <>
              <ProjectSelect value={projectId} onChange={(id) => setParam('projectId', id)} />
              <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!items.data?.length}>
                {t('common.print')}
              </Button>
              {manage ? (
                <Button
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => setEditing('new')}
                  disabled={!projectId}
                  data-testid="price-add"
                >
                  {t('prices.add')}
                </Button>
              ) : null}
            </>
          }
        />
        {manage ? (
          <Flex gap={8} align="center" style={{ marginBottom: 12 }}>
            <Switch
              size="small"
              checked={showInactive}
              onChange={(on) => setParam('all', on ? 'true' : undefined)}
              data-testid="price-show-inactive"
            />
            <Typography.Text>{t('prices.showInactive')}</Typography.Text>
          </Flex>
        ) : null}
      </div>
      <h1 className="print-only print-title">{t('prices.printTitle', { project: projectName })}</h1>
      {items.isError ? <Alert type="error" showIcon title={errorText(items.error, t)} /> : null}
      {!projectId ? (
        <Empty description={t('calendar.noProject')} />
      ) : (
        <PriceTable
          className="print-table"
          items={items.data}
          loading={items.isPending}
          actions={manage ? actions : undefined}
          showStatus={showInactive}
        />
      )}
      <p className="print-only print-footer">{t('prices.printedAt', { at: formatDateTime(Date.now()) })}</p>

      <FormModal<PriceValues>
        title={editing === 'new' ? t('prices.add') : t('prices.editTitle', { name: editing?.name ?? '' })}
        open={editing !== null}
        onClose={() => setEditing(null)}
        initialValues={editing && editing !== 'new' ? valuesOf(editing) : { scope: 'project', unit: '次', note: '', sort: nextSort }}
        reload={
          editing && editing !== 'new'
            ? async () => {
                // The item may have been deactivated meanwhile: look it up among the inactive ones too.
                const fresh = (await api.get<PriceItem[]>('/api/price-items', { projectId, all: 'true' })).find((p) => p.id === editing.id);
                void refresh();
                return fresh ? valuesOf(fresh) : {};
              }
            : undefined
        }
        onSubmit={submit}
        testId="price-modal"
      >
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item name="scope" label={t('prices.scope')} extra={editing === 'new' && !companyLevel ? t('prices.companyOnly') : undefined}>
          <Radio.Group
            disabled={editing !== 'new'}
            options={[
              { value: 'project', label: `${t('prices.scopeProject')}（${projectName}）` },
              { value: 'company', label: t('prices.scopeCompany'), disabled: !companyLevel },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="category"
          label={t('prices.category')}
          extra={t('prices.categoryHint')}
          rules={[{ required: true, whitespace: true, message: t('prices.categoryRequired') }]}
        >
          <AutoComplete options={categories} maxLength={40} filterOption={(input, o) => !!o?.value.includes(input)} />
        </Form.Item>
        <Form.Item name="name" label={t('prices.name')} rules={[{ required: true, whitespace: true, message: t('prices.nameRequired') }]}>
          <Input maxLength={80} />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="yuan" label={t('prices.priceYuan')} rules={[{ required: true, message: t('prices.priceRequired') }]}>
            <InputNumber min={0} max={100_000} precision={2} step={1} prefix="¥" style={{ width: 160 }} data-testid="price-yuan" />
          </Form.Item>
          <Form.Item name="unit" label={t('prices.unit')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input maxLength={10} style={{ width: 120 }} placeholder={t('prices.unitPlaceholder')} />
          </Form.Item>
          <Form.Item name="sort" label={t('categories.sort')} tooltip={t('categories.sortHint')}>
            <InputNumber min={0} max={999} style={{ width: 100 }} />
          </Form.Item>
        </Flex>
        <Form.Item name="note" label={t('prices.note')}>
          <Input maxLength={200} placeholder={t('prices.notePlaceholder')} />
        </Form.Item>
      </FormModal>
    </div>
  );
}
