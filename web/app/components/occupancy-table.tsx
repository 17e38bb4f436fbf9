import { useQueryClient } from '@tanstack/react-query';
import { Button, Card, DatePicker, Form, Table, type TableColumnsType, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { type HTMLAttributes, type ReactNode, useState } from 'react';
import { api } from '../api';
import { useCan } from '../auth';
import { useT } from '../i18n';
import type { Relation } from '../types';
import { FormModal } from './form-modal';
import { RelationTag } from './tags';

/** Current relations first; ended ones stay visible below them. */
export function currentFirst<T extends { endDate: string | null }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => Number(a.endDate !== null) - Number(b.endDate !== null));
}

export const ymd = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);

/** After a relation changes, both sides of it (the unit and the person) are stale. */
export function useInvalidateOccupancy() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['unit'] }),
      qc.invalidateQueries({ queryKey: ['person'] }),
      qc.invalidateQueries({ queryKey: ['lookup'] }),
    ]);
}

interface EndTarget {
  occupancyId: string;
  version: number;
  who: string;
}

export function EndOccupancyModal({ target, onClose }: { target: EndTarget | null; onClose(): void }) {
  const t = useT();
  const invalidate = useInvalidateOccupancy();
  return (
    <FormModal<{ endDate: Dayjs }>
      title={t('occupancy.endTitle')}
      open={!!target}
      onClose={onClose}
      initialValues={{ endDate: dayjs() }}
      okText={t('occupancy.endConfirm')}
      onSubmit={async (v) => {
        if (!target) return;
        await api.patch(`/api/occupancies/${target.occupancyId}`, { version: target.version, endDate: ymd(v.endDate) });
        await invalidate();
      }}
    >
      <Typography.Paragraph>{target ? t('occupancy.endBody', { who: target.who }) : null}</Typography.Paragraph>
      <Form.Item name="endDate" label={t('field.endDate')} rules={[{ required: true, message: t('form.required') }]}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
    </FormModal>
  );
}

interface OccupancyRow {
  occupancyId: string;
  version: number;
  relation: Relation;
  startDate: string;
  endDate: string | null;
  moveInDate: string | null;
}

/**
 * One side of the person–unit relation, as seen from the other side's page: the
 * page supplies the columns naming the far side, the dates and the end action are common.
 */
export function OccupancyTable<T extends OccupancyRow>(props: {
  title: ReactNode;
  rows: T[];
  /** Columns before the relation. */
  lead: TableColumnsType<T>;
  /** Columns between the relation and the dates. */
  details?: TableColumnsType<T>;
  /** How the relation is named in the end confirmation. */
  who(row: T): string;
  emptyText?: ReactNode;
  rowTestId?: string;
}) {
  const t = useT();
  const can = useCan();
  const [ending, setEnding] = useState<T | null>(null);
  const writable = can('directory.write');
  const { rowTestId } = props;
  return (
    <>
      <Card size="small" title={props.title} className="section">
        <Table<T>
          size="small"
          rowKey="occupancyId"
          dataSource={currentFirst(props.rows)}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={props.emptyText === undefined ? undefined : { emptyText: props.emptyText }}
          onRow={rowTestId ? () => ({ 'data-testid': rowTestId }) as HTMLAttributes<HTMLElement> : undefined}
          rowClassName={(o) => (o.endDate ? 'row-ended' : '')}
          columns={[
            ...props.lead,
            {
              title: t('field.relation'),
              dataIndex: 'relation',
              render: (_, o) => (
                <>
                  <RelationTag relation={o.relation} />
                  {o.endDate ? <Tag>{t('occupancy.ended')}</Tag> : null}
                </>
              ),
            },
            ...(props.details ?? []),
            { title: t('field.startDate'), dataIndex: 'startDate' },
            { title: t('field.endDate'), dataIndex: 'endDate', render: (v: string | null) => v ?? '—' },
            { title: t('field.moveInDate'), dataIndex: 'moveInDate', render: (v: string | null) => v ?? '—' },
            ...(writable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    fixed: 'right' as const,
                    render: (_: unknown, o: T) =>
                      o.endDate ? null : (
                        <Button size="small" type="link" danger onClick={() => setEnding(o)}>
                          {t('occupancy.end')}
                        </Button>
                      ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <EndOccupancyModal
        target={ending ? { occupancyId: ending.occupancyId, version: ending.version, who: props.who(ending) } : null}
        onClose={() => setEnding(null)}
      />
    </>
  );
}
