import { Button, Card, Checkbox, Col, DatePicker, Flex, Form, Row, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../../app/api';
import { useInvalidateOccupancy } from '../../app/components/occupancy-table';
import { PageHeader } from '../../app/components/page-header';
import { UnitPicker } from '../../app/components/pickers';
import { useErrorReporter } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { IdType, Person, Relation } from '../../app/types';
import { useRelationOptions } from './occupancy-dialogs';
import { PersonFields } from './person-fields';

interface Values {
  name: string;
  gender: '' | '男' | '女';
  phone: string;
  phone2?: string;
  idType: IdType;
  idNumber?: string;
  notes?: string;
  plates: string[];
  withUnit: boolean;
  occupancy?: { unitId?: string; relation: Relation; startDate: Dayjs; moveInDate?: Dayjs };
}

export default function PersonNewPage() {
  const t = useT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const unitId = params.get('unitId') ?? undefined;
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const report = useErrorReporter();
  const invalidate = useInvalidateOccupancy();
  const relations = useRelationOptions();
  const withUnit = Form.useWatch('withUnit', form);

  const onFinish = async (v: Values) => {
    setBusy(true);
    try {
      const o = v.withUnit ? v.occupancy : undefined;
      const created = await api.post<Person>('/api/people', {
        name: v.name,
        gender: v.gender,
        phone: v.phone,
        phone2: v.phone2 ?? '',
        idType: v.idType,
        idNumber: v.idNumber ?? '',
        notes: v.notes ?? '',
        plates: v.plates ?? [],
        occupancy: o
          ? {
              unitId: o.unitId,
              relation: o.relation,
              startDate: o.startDate.format('YYYY-MM-DD'),
              moveInDate: o.moveInDate?.format('YYYY-MM-DD'),
            }
          : undefined,
      });
      await invalidate();
      navigate(`/people/${created.id}`, { replace: true });
    } catch (e) {
      report(e, { form });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <PageHeader title={t('person.new')} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        initialValues={{
          gender: '',
          idType: 'resident_id',
          plates: [],
          withUnit: true,
          occupancy: { unitId, relation: 'owner', startDate: dayjs() },
        }}
        style={{ maxWidth: 880 }}
      >
        <Card size="small" title={t('person.facts')}>
          <PersonFields />
        </Card>
        <Card
          size="small"
          className="section"
          title={
            <Form.Item name="withUnit" valuePropName="checked" noStyle>
              <Checkbox>{t('person.withUnit')}</Checkbox>
            </Form.Item>
          }
        >
          {withUnit === false ? null : (
            <Row gutter={16}>
              <Col xs={24} sm={12}>
                <Form.Item name={['occupancy', 'unitId']} label={t('field.unit')} rules={[{ required: true, message: t('form.required') }]}>
                  <UnitPicker />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item name={['occupancy', 'relation']} label={t('field.relation')} rules={[{ required: true }]}>
                  <Select options={relations} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item
                  name={['occupancy', 'startDate']}
                  label={t('field.startDate')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <DatePicker style={{ width: '100%' }} />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item name={['occupancy', 'moveInDate']} label={t('field.moveInDate')}>
                  <DatePicker style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            </Row>
          )}
        </Card>
        <Flex gap={8} className="section">
          <Button type="primary" htmlType="submit" loading={busy} data-testid="person-save">
            {t('common.save')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
        </Flex>
      </Form>
    </div>
  );
}
