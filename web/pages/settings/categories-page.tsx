import { EditOutlined, PlusOutlined, StopOutlined, UndoOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Flex, Form, Input, InputNumber, Table, Tabs, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { PageHeader } from '../../app/components/page-header';
import { KINDS } from '../../app/components/request-tags';
import { useCategories } from '../../app/data';
import { errorText, useErrorReporter } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { Category, Kind } from '../../app/types';

type Row = Category & { children?: Row[] };

interface CategoryValues {
  version?: number;
  name: string;
  sort: number;
}

type Editing = { mode: 'new'; parent: Category | null } | { mode: 'rename'; category: Category };

/** Parents with their children, inactive ones included (greyed) so they can be brought back. */
function treeOf(cats: Category[]): Row[] {
  return cats
    .filter((c) => !c.parentId)
    .map((r) => {
      const children = cats.filter((c) => c.parentId === r.id);
      return children.length ? { ...r, children } : { ...r };
    });
}

export default function CategoriesPage() {
  const { t, tx } = useTx();
  const qc = useQueryClient();
  const report = useErrorReporter();
  const [params, setParams] = useSearchParams();
  const kind = (KINDS.includes(params.get('kind') as Kind) ? params.get('kind') : 'repair') as Kind;
  const cats = useCategories(kind, true);
  const tree = useMemo(() => treeOf(cats.data ?? []), [cats.data]);
  const [editing, setEditing] = useState<Editing | null>(null);

  const refresh = () => qc.invalidateQueries({ queryKey: ['categories'] });
  const toggle = async (c: Category) => {
    try {
      await api.patch(`/api/categories/${c.id}`, { version: c.version, active: !c.active });
      await refresh();
    } catch (e) {
      report(e, { onReload: refresh });
    }
  };

  return (
    <div>
      <PageHeader
        title={t('categories.title')}
        sub={t('categories.sub')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing({ mode: 'new', parent: null })}
            data-testid="category-add"
          >
            {t('categories.addRoot')}
          </Button>
        }
      />
      <Tabs
        activeKey={kind}
        onChange={(k) => setParams({ kind: k }, { replace: true })}
        items={KINDS.map((k) => ({ key: k, label: tx(`kind.${k}`, k) }))}
      />
      {cats.isError ? <Alert type="error" showIcon title={errorText(cats.error, t)} /> : null}
      <Table<Row>
        rowKey="id"
        loading={cats.isPending}
        dataSource={tree}
        pagination={false}
        expandable={{ defaultExpandAllRows: true }}
        key={`${kind}-${tree.length}`}
        scroll={{ x: 640 }}
        rowClassName={(c) => (c.active ? '' : 'row-ended')}
        columns={[
          { title: t('field.name'), dataIndex: 'name' },
          { title: t('categories.sort'), dataIndex: 'sort', width: 90 },
          {
            title: t('field.status'),
            dataIndex: 'active',
            width: 90,
            render: (a: boolean) => (a ? <Tag color="green">{t('categories.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 280,
            render: (_, c) => (
              <Flex gap={4} wrap>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing({ mode: 'rename', category: c })}>
                  {t('categories.rename')}
                </Button>
                {!c.parentId && c.active ? (
                  <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => setEditing({ mode: 'new', parent: c })}>
                    {t('categories.addChild')}
                  </Button>
                ) : null}
                <Button
                  size="small"
                  type="link"
                  danger={c.active}
                  icon={c.active ? <StopOutlined /> : <UndoOutlined />}
                  onClick={() => toggle(c)}
                >
                  {c.active ? t('categories.deactivate') : t('categories.activate')}
                </Button>
              </Flex>
            ),
          },
        ]}
      />
      <FormModal<CategoryValues>
        title={
          editing?.mode === 'rename'
            ? t('categories.renameTitle', { name: editing.category.name })
            : editing?.parent
              ? t('categories.addChildTitle', { name: editing.parent.name })
              : t('categories.addRootTitle', { kind: tx(`kind.${kind}`, kind) })
        }
        open={editing !== null}
        onClose={() => setEditing(null)}
        initialValues={
          editing?.mode === 'rename'
            ? { version: editing.category.version, name: editing.category.name, sort: editing.category.sort }
            : { name: '', sort: 0 }
        }
        reload={
          editing?.mode === 'rename'
            ? async () => {
                const fresh = (await cats.refetch()).data?.find((c) => c.id === editing.category.id);
                return fresh ? { version: fresh.version, name: fresh.name, sort: fresh.sort } : {};
              }
            : undefined
        }
        onSubmit={async (v) => {
          if (editing?.mode === 'rename') await api.patch(`/api/categories/${editing.category.id}`, v);
          else await api.post('/api/categories', { kind, parentId: editing?.parent?.id, name: v.name, sort: v.sort });
          await refresh();
        }}
      >
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t('field.name')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="sort" label={t('categories.sort')} extra={t('categories.sortHint')}>
          <InputNumber min={0} max={999} />
        </Form.Item>
      </FormModal>
    </div>
  );
}
