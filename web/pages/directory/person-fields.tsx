import { Col, Form, Input, Row, Select } from 'antd';
import { useT } from '../../app/i18n';
import type { IdType } from '../../app/types';

export const ID_TYPES: IdType[] = ['resident_id', 'passport', 'hk_macau_permit', 'taiwan_permit', 'other'];

/** The person fields shared by the new-person page and the edit dialog. */
export function PersonFields({ idHint }: { idHint?: string }) {
  const t = useT();
  return (
    <Row gutter={16}>
      <Col xs={24} sm={12}>
        <Form.Item name="name" label={t('field.personName')} rules={[{ required: true, message: t('form.required') }]}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="gender" label={t('field.gender')}>
          <Select
            options={[
              { value: '', label: t('gender.unknown') },
              { value: '男', label: t('gender.male') },
              { value: '女', label: t('gender.female') },
            ]}
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="phone" label={t('field.phone')} rules={[{ required: true, message: t('form.required') }]}>
          <Input inputMode="tel" maxLength={20} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="phone2" label={t('field.phone2')}>
          <Input inputMode="tel" maxLength={20} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="idType" label={t('field.idType')}>
          <Select options={ID_TYPES.map((v) => ({ value: v, label: t(`idType.${v}`) }))} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="idNumber" label={t('field.idNumber')} extra={idHint}>
          <Input maxLength={30} autoComplete="off" />
        </Form.Item>
      </Col>
      <Col xs={24}>
        <Form.Item name="plates" label={t('field.plates')} extra={t('person.platesHint')}>
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} />
        </Form.Item>
      </Col>
      <Col xs={24}>
        <Form.Item name="notes" label={t('field.notes')}>
          <Input.TextArea rows={2} maxLength={500} showCount />
        </Form.Item>
      </Col>
    </Row>
  );
}
