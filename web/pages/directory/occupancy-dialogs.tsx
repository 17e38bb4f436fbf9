import { useQueryClient } from '@tanstack/react-query';
import { DatePicker, Form, Select, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { PersonPicker, UnitPicker } from '../../app/components/pickers';
import { useT } from '../../app/i18n';
import type { Relation } from '../../app/types';

export const RELATION_OPTIONS: Relation[] = ['owner', 'tenant', 'family', 'agent'];

export function useRelationOptions() {
  const t = useT();
  return RELATION_OPTIONS.map((r) => ({ value: r, label: t(`relation.${r}`) }));
}

/** Current relations first; ended ones stay visible below them. */
export function currentFirst<T extends { endDate: string | null }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => Number(a.endDate !== null) - Number(b.endDate !== null));
}

const ymd = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);

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

interface AddValues {
  personId?: string;
  unitId?: string;
  relation: Relation;
  startDate: Dayjs;
  moveInDate?: Dayjs;
}

/** Adds a relation between a person and a unit; one side is fixed by the page it is opened from. */
export function AddOccupancyModal(props: { open: boolean; onClose(): void; personId?: string; unitId?: string }) {
  const t = useT();
  const invalidate = useInvalidateOccupancy();
  const relations = useRelationOptions();
  return (
    <FormModal<AddValues>
      title={t('occupancy.addTitle')}
      open={props.open}
      onClose={props.onClose}
      initialValues={{ relation: 'owner', startDate: dayjs() }}
      onSubmit={async (v) => {
        await api.post('/api/occupancies', {
          personId: props.personId ?? v.personId,
          unitId: props.unitId ?? v.unitId,
          relation: v.relation,
          startDate: ymd(v.startDate),
          moveInDate: ymd(v.moveInDate),
        });
        await invalidate();
      }}
    >
      {props.personId ? null : (
        <Form.Item name="personId" label={t('field.person')} rules={[{ required: true, message: t('form.required') }]}>
          <PersonPicker />
        </Form.Item>
      )}
      {props.unitId ? null : (
        <Form.Item name="unitId" label={t('field.unit')} rules={[{ required: true, message: t('form.required') }]}>
          <UnitPicker />
        </Form.Item>
      )}
      <Form.Item name="relation" label={t('field.relation')} rules={[{ required: true, message: t('form.required') }]}>
        <Select options={relations} />
      </Form.Item>
      <Form.Item name="startDate" label={t('field.startDate')} rules={[{ required: true, message: t('form.required') }]}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="moveInDate" label={t('field.moveInDate')}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
    </FormModal>
  );
}
