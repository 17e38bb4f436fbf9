import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Flex, Form, type FormInstance, Input, InputNumber, Typography } from 'antd';
import { isUploading, type PhotoFile, PhotoUpload, uploadedIds } from '../../app/components/photo-upload';
import { formatYuan } from '../../app/format';
import { useT } from '../../app/i18n';
import { fenOfYuan, type MaterialLine, materialsFen } from '../../app/repair-detail';

/** The server keeps at most nine photos per step. */
const MAX_PHOTOS = 9;

interface MaterialRow {
  name?: string;
  quantity?: number | null;
  unit?: string;
  priceYuan?: number | null;
}

export interface CompletionValues {
  materials?: MaterialRow[];
  labourYuan?: number | null;
  feeYuan?: number | null;
  photos?: PhotoFile[];
  note?: string;
}

export interface CompletionBody {
  materials: MaterialLine[];
  labourFen: number;
  feeCollectedFen: number;
  photoIds: string[];
  note: string;
}

export function completionBody(v: CompletionValues): CompletionBody {
  return {
    materials: (v.materials ?? [])
      .filter((m) => m?.name?.trim())
      .map((m) => ({
        name: (m.name ?? '').trim(),
        quantity: m.quantity ?? 0,
        unit: (m.unit ?? '').trim() || '个',
        priceFen: fenOfYuan(m.priceYuan),
      })),
    labourFen: fenOfYuan(v.labourYuan),
    feeCollectedFen: fenOfYuan(v.feeYuan),
    photoIds: uploadedIds(v.photos),
    note: (v.note ?? '').trim(),
  };
}

/** Photos straight from the phone's camera (or its gallery), uploaded one by one as they are taken. */
/** Done: what was used, what it cost, what was collected, with photos of the result. */
export function CompletionForm(props: {
  quotedFen: number | null;
  busy: boolean;
  onSubmit: (v: CompletionValues, form: FormInstance) => void;
}) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<CompletionValues>();
  const materials = Form.useWatch('materials', form);
  const labour = Form.useWatch('labourYuan', form);
  const body = completionBody({ materials, labourYuan: labour });
  const total = materialsFen(body.materials) + body.labourFen;

  return (
    <Card size="small" title={t('tech.completeTitle')} className="section" data-testid="tech-complete">
      <Form<CompletionValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ materials: [], photos: [] }}
        onFinish={(v) => {
          if (isUploading(v.photos)) {
            message.warning(t('tech.photosUploading'));
            return;
          }
          props.onSubmit(v, form);
        }}
      >
        <Typography.Text strong>{t('tech.materials')}</Typography.Text>
        <Form.List name="materials">
          {(fields, { add, remove }) => (
            <Flex vertical gap={8} className="tech-materials">
              {fields.map((f) => (
                <div key={f.key} className="tech-material" data-testid="tech-material">
                  <Flex gap={8} align="start">
                    <Form.Item
                      name={[f.name, 'name']}
                      label={t('tech.materialName')}
                      rules={[{ required: true, whitespace: true, message: t('form.required') }]}
                      style={{ flex: 1, marginBottom: 8 }}
                    >
                      <Input maxLength={60} data-testid={`tech-material-name-${f.name}`} />
                    </Form.Item>
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('common.delete')}
                      onClick={() => remove(f.name)}
                      style={{ marginTop: 30 }}
                    />
                  </Flex>
                  <Flex gap={8}>
                    <Form.Item
                      name={[f.name, 'quantity']}
                      label={t('tech.quantity')}
                      rules={[{ required: true, message: t('form.required') }]}
                      style={{ flex: 1, marginBottom: 0 }}
                    >
                      <InputNumber
                        min={0.01}
                        max={10000}
                        step={1}
                        inputMode="decimal"
                        style={{ width: '100%' }}
                        data-testid={`tech-material-quantity-${f.name}`}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'unit']} label={t('tech.unit')} style={{ width: 72, marginBottom: 0 }}>
                      <Input maxLength={10} placeholder="个" data-testid={`tech-material-unit-${f.name}`} />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'priceYuan']}
                      label={t('tech.unitPrice')}
                      rules={[{ required: true, message: t('form.required') }]}
                      style={{ flex: 1, marginBottom: 0 }}
                    >
                      <InputNumber
                        min={0}
                        max={1_000_000}
                        precision={2}
                        prefix="¥"
                        inputMode="decimal"
                        style={{ width: '100%' }}
                        data-testid={`tech-material-price-${f.name}`}
                      />
                    </Form.Item>
                  </Flex>
                </div>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ quantity: 1, unit: '个' })} block data-testid="tech-add-material">
                {t('tech.addMaterial')}
              </Button>
            </Flex>
          )}
        </Form.List>

        <Flex gap={8} className="section">
          <Form.Item name="labourYuan" label={t('tech.labour')} style={{ flex: 1 }}>
            <InputNumber
              min={0}
              max={1_000_000}
              precision={2}
              prefix="¥"
              inputMode="decimal"
              style={{ width: '100%' }}
              data-testid="tech-labour"
            />
          </Form.Item>
          <Form.Item
            name="feeYuan"
            label={t('tech.feeCollected')}
            style={{ flex: 1 }}
            extra={props.quotedFen !== null ? t('tech.quotedHint', { price: formatYuan(props.quotedFen) }) : undefined}
          >
            <InputNumber
              min={0}
              max={1_000_000}
              precision={2}
              prefix="¥"
              inputMode="decimal"
              style={{ width: '100%' }}
              data-testid="tech-fee"
            />
          </Form.Item>
        </Flex>
        <div className="tech-total" data-testid="tech-total">
          {t('tech.total', { total: formatYuan(total) })}
        </div>

        <Form.Item name="photos" label={t('tech.photos')} valuePropName="value" className="section">
          <PhotoUpload camera max={MAX_PHOTOS} testId="tech-photos" />
        </Form.Item>
        <Form.Item name="note" label={t('tech.note')}>
          <Input.TextArea rows={2} maxLength={1000} showCount data-testid="tech-note" />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" block loading={props.busy} data-testid="tech-complete-submit">
          {t('tech.completeSubmit')}
        </Button>
      </Form>
    </Card>
  );
}
