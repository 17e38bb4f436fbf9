import { Tag } from 'antd';
import { useT, useTx } from '../i18n';
import type { Relation } from '../types';

const RELATION_COLORS: Record<Relation, string> = {
  owner: 'blue',
  tenant: 'green',
  family: 'gold',
  agent: 'purple',
};

export function RelationTag({ relation }: { relation: Relation }) {
  const t = useT();
  return <Tag color={RELATION_COLORS[relation]}>{t(`relation.${relation}`)}</Tag>;
}

const STATUS_COLORS: Record<string, string> = {
  occupied: 'green',
  vacant: 'default',
  custody: 'orange',
  decorating: 'cyan',
};

export function UnitStatusTag({ status }: { status: string }) {
  const { tx } = useTx();
  return <Tag color={STATUS_COLORS[status] ?? 'default'}>{tx(`unitStatus.${status}`, status)}</Tag>;
}

export function PlateTags({ plates }: { plates: string[] }) {
  return (
    <>
      {plates.map((p) => (
        <Tag key={p} className="plate">
          {p}
        </Tag>
      ))}
    </>
  );
}
