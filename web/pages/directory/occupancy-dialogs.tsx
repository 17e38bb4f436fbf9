import { DatePicker, Form, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../app/api';
import { FormModal } from '../../app/components/form-modal';
import { useInvalidateOccupancy, ymd } from '../../app/components/occupancy-table';
import { PersonPicker, UnitPicker } from '../../app/components/pickers';
import { useT } from '../../app/i18n';
import type { Relation } from '../../app/types';

export const RELATION_OPTIONS: Relation[] = ['owner', 'tenant', 'family', 'agent'];

export function useRelationOptions() {
  const t = useT();
  return RELATION_OPTIONS.map((r) => ({ value: r, label: t(`relation.${r}`) }));
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
