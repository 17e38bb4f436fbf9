import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Flex, Input, Table } from 'antd';
import { useState } from 'react';
import { api } from '../../app/api';
import { ChangeList } from '../../app/components/history-timeline';
import { LoadMore } from '../../app/components/load-more';
import { PageHeader } from '../../app/components/page-header';
import { useDebounced } from '../../app/components/pickers';
import { usePagedList } from '../../app/data';
import { formatDateTime } from '../../app/format';
import { errorText, useErrorReporter } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { AuditEntry, AuditVerify } from '../../app/types';

function VerifyResult({ r }: { r: AuditVerify }) {
  const { t } = useTx();
  return r.ok ? (
    <Alert type="success" showIcon title={t('audit.verifyOk', { n: r.checked })} data-testid="audit-verify-result" />
  ) : (
    <Alert
      type="error"
      showIcon
      data-testid="audit-verify-result"
      title={t('audit.verifyBad', { n: r.checked })}
      description={r.firstBad ? t('audit.firstBad', { seq: r.firstBad.seq, reason: r.firstBad.reason }) : undefined}
    />
  );
}

export default function AuditPage() {
  const { t, tx } = useTx();
  const report = useErrorReporter();
  const [entity, setEntity] = useState('');
  const [entityId, setEntityId] = useState('');
  const filters = { entity: useDebounced(entity.trim(), 300), entityId: useDebounced(entityId.trim(), 300) };
  const list = usePagedList<AuditEntry>(['audit', 'list'], '/api/audit', { ...filters, limit: 50 });
  const verify = useMutation({
    mutationFn: () => api.get<AuditVerify>('/api/audit/verify'),
    onError: (e) => report(e),
  });

  return (
    <div>
      <PageHeader
        title={t('audit.title')}
        extra={
          <Button
            icon={<SafetyCertificateOutlined />}
            loading={verify.isPending}
            onClick={() => verify.mutate()}
            data-testid="audit-verify"
          >
            {t('audit.verify')}
          </Button>
        }
      />
      {verify.data ? (
        <div style={{ marginBottom: 12 }}>
          <VerifyResult r={verify.data} />
        </div>
      ) : null}
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        <Input
          allowClear
          placeholder={t('audit.entity')}
          value={entity}
          onChange={(e) => setEntity(e.target.value)}
          style={{ width: 180 }}
        />
        <Input
          allowClear
          placeholder={t('audit.entityId')}
          value={entityId}
          onChange={(e) => setEntityId(e.target.value)}
          style={{ width: 320 }}
        />
      </Flex>
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, t)} /> : null}
      <Table<AuditEntry>
        rowKey="seq"
        size="small"
        loading={list.isPending}
        dataSource={list.items}
        pagination={false}
        scroll={{ x: 980 }}
        expandable={{
          rowExpandable: (r) => r.before != null || r.after != null,
          expandedRowRender: (r) => (
            <Flex gap={24} wrap>
              <ChangeList before={r.before} after={r.after} />
              <pre className="json">{JSON.stringify({ before: r.before, after: r.after }, null, 2)}</pre>
            </Flex>
          ),
        }}
        columns={[
          { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
          { title: t('audit.at'), dataIndex: 'at', width: 150, render: (v: number) => formatDateTime(v) },
          { title: t('audit.actor'), dataIndex: 'actor' },
          { title: t('audit.ip'), dataIndex: 'ip', width: 130 },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            render: (a: string) => tx(`action.${a}`, a),
          },
          { title: t('audit.entity'), dataIndex: 'entity', width: 110, render: (e: string) => tx(`entity.${e}`, e) },
          { title: t('audit.entityId'), dataIndex: 'entityId', ellipsis: true },
        ]}
      />
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />
    </div>
  );
}
