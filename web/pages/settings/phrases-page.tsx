import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Form, Input, InputNumber, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { PageHeader } from '../../app/components/page-header';
import { keys, usePhrases } from '../../app/data';
import { errorText, useErrorReporter } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { Phrase, PhraseScenario } from '../../app/types';
import { PhraseText } from '../requests/phrase-panel';

/** Every scenario of the API (config.schema.ts), in the order a working day meets them. */
const SCENARIO_ORDER = {
  answer_phone: 0,
  counter_greeting: 1,
  read_back: 2,
  counter_farewell: 3,
  phone_complaint: 4,
  counter_complaint: 5,
  repair: 6,
  inquiry: 7,
  suggestion: 8,
  special: 9,
  fee_collection: 10,
  fee_inquiry: 11,
  payment_reminder: 12,
  transfer: 13,
  absent_colleague: 14,
  unable_to_answer: 15,
} satisfies Record<PhraseScenario, number>;
export const SCENARIOS = Object.keys(SCENARIO_ORDER) as PhraseScenario[];

interface PhraseValues {
  version?: number;
  scenario: PhraseScenario;
  title: string;
  text: string;
  sort: number;
}

export default function PhrasesPage() {
  const { t, tx } = useTx();
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const report = useErrorReporter();
  const [params, setParams] = useSearchParams();
  const scenario = params.get('scenario') as PhraseScenario | null;
  const phrases = usePhrases();
  const [editing, setEditing] = useState<Phrase | 'new' | null>(null);
  const rows = (phrases.data ?? [])
    .filter((p) => !scenario || p.scenario === scenario)
    .sort(
      (a, b) =>
        (SCENARIO_ORDER[a.scenario as PhraseScenario] ?? 99) - (SCENARIO_ORDER[b.scenario as PhraseScenario] ?? 99) || a.sort - b.sort,
    );
  const refresh = () => qc.invalidateQueries({ queryKey: keys.phrases });
  const scenarioLabel = (s: string) => tx(`scenario.${s}`, s);

  const remove = (p: Phrase) =>
    modal.confirm({
      title: t('phrases.removeTitle', { title: p.title }),
      content: t('phrases.removeBody'),
      okText: t('phrases.remove'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.patch(`/api/phrases/${p.id}`, { version: p.version, active: false });
          await refresh();
        } catch (e) {
          report(e, { onReload: refresh });
        }
      },
    });

  return (
    <div>
      <PageHeader
        title={t('phrases.title')}
        sub={t('phrases.sub')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="phrase-add">
            {t('phrases.add')}
          </Button>
        }
      />
      <Flex gap={8} style={{ marginBottom: 12 }}>
        <Select
          style={{ width: 220 }}
          value={scenario ?? ''}
          onChange={(v: string) => setParams(v ? { scenario: v } : {}, { replace: true })}
          options={[{ value: '', label: t('phrases.allScenarios') }, ...SCENARIOS.map((s) => ({ value: s, label: scenarioLabel(s) }))]}
        />
      </Flex>
      {phrases.isError ? <Alert type="error" showIcon title={errorText(phrases.error, t)} /> : null}
      <Table<Phrase>
        rowKey="id"
        loading={phrases.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 800 }}
        columns={[
          {
            title: t('phrases.scenario'),
            dataIndex: 'scenario',
            width: 140,
            render: (s: string) => <Tag color="blue">{scenarioLabel(s)}</Tag>,
          },
          { title: t('phrases.phraseTitle'), dataIndex: 'title', width: 140 },
          { title: t('phrases.text'), dataIndex: 'text', render: (v: string) => <PhraseText text={v} /> },
          { title: t('categories.sort'), dataIndex: 'sort', width: 70 },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 150,
            render: (_, p) => (
              <Flex gap={4}>
                <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(p)}>
                  {t('common.edit')}
                </Button>
                <Button size="small" type="link" danger icon={<DeleteOutlined />} onClick={() => remove(p)}>
                  {t('phrases.remove')}
                </Button>
              </Flex>
            ),
          },
        ]}
      />
      <FormModal<PhraseValues>
        title={editing === 'new' ? t('phrases.add') : t('phrases.edit')}
        open={editing !== null}
        onClose={() => setEditing(null)}
        width={640}
        initialValues={
          editing && editing !== 'new'
            ? {
                version: editing.version,
                scenario: editing.scenario as PhraseScenario,
                title: editing.title,
                text: editing.text,
                sort: editing.sort,
              }
            : { scenario: scenario ?? 'answer_phone', sort: 100 }
        }
        reload={
          editing && editing !== 'new'
            ? async () => {
                const fresh = (await phrases.refetch()).data?.find((p) => p.id === editing.id);
                return fresh ? { version: fresh.version, title: fresh.title, text: fresh.text, sort: fresh.sort } : {};
              }
            : undefined
        }
        onSubmit={async (v) => {
          if (editing === 'new') await api.post('/api/phrases', v);
          else if (editing)
            await api.patch(`/api/phrases/${editing.id}`, { version: v.version, title: v.title, text: v.text, sort: v.sort });
          await refresh();
        }}
      >
        <Form.Item name="version" hidden>
          <Input />
        </Form.Item>
        <Form.Item name="scenario" label={t('phrases.scenario')}>
          <Select disabled={editing !== 'new'} options={SCENARIOS.map((s) => ({ value: s, label: scenarioLabel(s) }))} />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('phrases.phraseTitle')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item
          name="text"
          label={t('phrases.text')}
          extra={t('phrases.blankHint')}
          rules={[{ required: true, whitespace: true, message: t('form.required') }]}
        >
          <Input.TextArea rows={5} maxLength={1000} showCount />
        </Form.Item>
        <Form.Item name="sort" label={t('categories.sort')}>
          <InputNumber min={0} max={999} />
        </Form.Item>
      </FormModal>
    </div>
  );
}
