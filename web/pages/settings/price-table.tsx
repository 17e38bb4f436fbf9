import { Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type ReactNode, useMemo } from 'react';
import { formatYuan } from '../../app/format';
import { useT } from '../../app/i18n';
import type { PriceItem } from '../../app/types';

/**
 * A price list ordered for reading aloud at the counter: categories in the order the
 * list keeps them (their smallest sort number), items by sort number within one.
 * The server sorts by the category's text, which for Chinese is code-point order, not
 * the order the company chose.
 */
export function groupByCategory(items: PriceItem[]): PriceItem[] {
  const first = new Map<string, number>();
  for (const i of items) first.set(i.category, Math.min(first.get(i.category) ?? Number.POSITIVE_INFINITY, i.sort));
  const byName = (a: string, b: string) => a.localeCompare(b, 'zh-CN');
  return [...items].sort(
    (a, b) =>
      (first.get(a.category) ?? 0) - (first.get(b.category) ?? 0) ||
      byName(a.category, b.category) ||
      a.sort - b.sort ||
      byName(a.name, b.name),
  );
}

export function ScopeTag({ item }: { item: PriceItem }) {
  const t = useT();
  return item.projectId === null ? <Tag color="blue">{t('prices.scopeCompany')}</Tag> : <Tag color="cyan">{t('prices.scopeProject')}</Tag>;
}

interface PriceTableProps {
  items: PriceItem[] | undefined;
  loading?: boolean;
  /** The edit column; left out for the read-only view. */
  actions?: (item: PriceItem) => ReactNode;
  /** Items of this category are marked, e.g. the category of the repair being registered. */
  highlightCategory?: string;
  /** Shows the 启用/停用 column (only useful when inactive items are listed). */
  showStatus?: boolean;
  className?: string;
}

export function PriceTable(props: PriceTableProps) {
  const t = useT();
  const rows = useMemo(() => groupByCategory(props.items ?? []), [props.items]);
  // One category cell spans its items: the first row of a group carries the group's size, the others none.
  const spans = useMemo(() => {
    const out = new Map<string, number>();
    rows.forEach((r, i) => {
      if (i > 0 && rows[i - 1]?.category === r.category) {
        out.set(r.id, 0);
        return;
      }
      let n = 1;
      while (rows[i + n]?.category === r.category) n++;
      out.set(r.id, n);
    });
    return out;
  }, [rows]);

  const columns: TableColumnsType<PriceItem> = [
    {
      title: t('prices.category'),
      dataIndex: 'category',
      width: 120,
      onCell: (r) => ({ rowSpan: spans.get(r.id) ?? 1 }),
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    {
      title: t('prices.name'),
      dataIndex: 'name',
      render: (v: string, r) => (
        <>
          {v}
          {r.note ? (
            <>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {r.note}
              </Typography.Text>
            </>
          ) : null}
        </>
      ),
    },
    { title: t('prices.unit'), dataIndex: 'unit', width: 90 },
    {
      title: t('prices.price'),
      dataIndex: 'priceFen',
      width: 110,
      align: 'right',
      render: (fen: number) => <span className="money">{formatYuan(fen)}</span>,
    },
    { title: t('prices.scope'), key: 'scope', width: 100, render: (_, r) => <ScopeTag item={r} /> },
  ];
  if (props.showStatus) {
    columns.push({
      title: t('field.status'),
      dataIndex: 'active',
      width: 90,
      render: (a: boolean) => (a ? <Tag color="green">{t('prices.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>),
    });
  }
  if (props.actions) {
    const actions = props.actions;
    columns.push({ title: t('common.actions'), key: 'actions', width: 170, className: 'no-print', render: (_, r) => actions(r) });
  }

  return (
    <Table<PriceItem>
      className={props.className}
      rowKey="id"
      size="small"
      bordered
      loading={props.loading}
      dataSource={rows}
      pagination={false}
      scroll={{ x: props.actions ? 820 : 560 }}
      locale={{ emptyText: t('prices.empty') }}
      rowClassName={(r) =>
        [r.active ? '' : 'row-ended', props.highlightCategory && r.category === props.highlightCategory ? 'row-highlight' : '']
          .filter(Boolean)
          .join(' ')
      }
      columns={columns}
      data-testid="price-table"
    />
  );
}
