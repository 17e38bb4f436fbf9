import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, DatePicker, Flex, Form, Input, InputNumber, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type * as Rel from '../../../server/domains/frontdesk/releases.schema.ts';
import { formatDateTime } from '../../app/format';
import { type MessageKey, useT } from '../../app/i18n';
import { epochOf, pickerOf } from '../../app/picker-time';

export type ReleaseSummary = z.infer<typeof Rel.ReleaseSummary>;
export type ReleaseDetail = z.infer<typeof Rel.ReleaseDetail>;
export type ResidentRelease = z.infer<typeof Rel.ResidentRelease>;
export type GateCheck = z.infer<typeof Rel.GateCheck>;
export type GateUse = z.infer<typeof Rel.GateUse>;
export type GateRelease = z.infer<typeof Rel.GateRelease>;
export type MyCheck = z.infer<typeof Rel.MyCheck>;
export type ReleaseState = ReleaseSummary['state'];
export type Standing = ReleaseSummary['standing'];
export type ReleasePath = ReleaseSummary['path'];
export type ReleaseItem = ReleaseDetail['items'][number];
/** The body of POST /api/releases and /api/me/releases as the server's schema reads it. */
export type ReleaseApplication = z.input<typeof Rel.ReleaseCreate>;

// The console bundles none of the server: these lists mirror releases.schema.ts, checked by the types above.
export const STANDINGS: Standing[] = ['owner', 'decoration_lead', 'tenant', 'other', 'staff'];

export const releaseKeys = {
  /** Prefix of every counter list, whatever its scope. */
  lists: ['releases'] as const,
  release: (id: string) => ['release', id] as const,
  mine: ['me', 'releases'] as const,
  myRelease: (id: string) => ['me', 'release', id] as const,
  checks: ['release-checks'] as const,
};

const STATE_COLOR: Record<ReleaseState, string> = {
  pending: 'processing',
  verified: 'cyan',
  approved: 'success',
  refused: 'error',
  used: 'default',
  expired: 'warning',
  not_yet_valid: 'gold',
};

export function ReleaseStateTag({ state }: { state: ReleaseState }) {
  const t = useT();
  return (
    <Tag color={STATE_COLOR[state]} className="wrap-tag" data-testid="release-state" data-state={state}>
      {t(`release.state.${state}` as MessageKey)}
    </Tag>
  );
}

/** ABCD EFGH: two groups of four are easier to read out and type. */
export function spacedCode(code: string): string {
  return `${code.slice(0, 4)} ${code.slice(4)}`;
}

export function windowText(from: number, until: number): string {
  const a = formatDateTime(from);
  const b = formatDateTime(until);
  // Same day: the date once.
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(11)}` : `${a} – ${b}`;
}

/** The slip's QR code, drawn in the browser: it encodes the code alone, so any reader shows what a guard would type. */
export function QrCode({ text, size = 220, testId = 'release-qr' }: { text: string; size?: number; testId?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: size * 2 })
      .then((url) => {
        if (live) setSrc(url);
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
  }, [text, size]);
  return (
    <div className="release-qr" style={{ width: size, height: size }}>
      {src ? <img src={src} width={size} height={size} alt={text} data-testid={testId} data-code={text} /> : null}
    </div>
  );
}

export function ItemsText({ items }: { items: ReleaseItem[] }) {
  return (
    <ul className="release-items" data-testid="release-items">
      {items.map((i, n) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the same item may be listed twice; the position is its identity
        <li key={n}>
          <span>{i.name}</span>
          <span className="release-qty">
            {i.quantity} {i.unit}
          </span>
        </li>
      ))}
    </ul>
  );
}

const UNIT_OPTIONS = ['件', '个', '台', '箱', '袋', '张', '套', '把', '捆', '车'].map((value) => ({ value }));

/** The items table of an application: name, quantity and unit per row. */
export function ItemsField({ compact = false }: { compact?: boolean }) {
  const t = useT();
  return (
    <Form.List
      name="items"
      rules={[
        {
          validator: async (_, items: unknown[] | undefined) => {
            if (!items?.length) throw new Error(t('release.form.itemsRequired'));
          },
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <Flex vertical gap={8} data-testid="release-items-field">
          {fields.map((f) => (
            <Flex key={f.key} gap={6} align="start" className="release-item-row">
              <Form.Item
                name={[f.name, 'name']}
                rules={[{ required: true, whitespace: true, message: t('release.form.itemName') }]}
                style={{ flex: 1, marginBottom: 0 }}
              >
                <Input placeholder={t('release.form.itemName')} maxLength={50} data-testid={`release-item-name-${f.name}`} />
              </Form.Item>
              <Form.Item
                name={[f.name, 'quantity']}
                rules={[{ required: true, message: t('release.form.quantity') }]}
                style={{ marginBottom: 0 }}
              >
                <InputNumber
                  min={1}
                  max={9999}
                  precision={0}
                  placeholder={t('release.form.quantity')}
                  style={{ width: compact ? 72 : 96 }}
                  data-testid={`release-item-qty-${f.name}`}
                />
              </Form.Item>
              <Form.Item
                name={[f.name, 'unit']}
                rules={[{ required: true, whitespace: true, message: t('release.form.itemUnit') }]}
                style={{ marginBottom: 0 }}
              >
                <AutoComplete
                  options={UNIT_OPTIONS}
                  placeholder={t('release.form.itemUnit')}
                  style={{ width: compact ? 64 : 80 }}
                  data-testid={`release-item-unit-${f.name}`}
                />
              </Form.Item>
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('release.form.removeItem')}
                onClick={() => remove(f.name)}
                disabled={fields.length <= 1}
                data-testid={`release-item-remove-${f.name}`}
              />
            </Flex>
          ))}
          <Form.ErrorList errors={errors} />
          <Button
            type="dashed"
            icon={<PlusOutlined />}
            onClick={() => add({ name: '', quantity: 1, unit: '件' })}
            disabled={fields.length >= 50}
            data-testid="release-item-add"
          >
            {t('release.form.addItem')}
          </Button>
        </Flex>
      )}
    </Form.List>
  );
}

/** Validity window picker: empty means the server's default (now until midnight China time). */
export function WindowField() {
  const t = useT();
  return (
    <Form.Item name="window" label={t('release.form.window')} extra={t('release.form.windowHint')}>
      <DatePicker.RangePicker
        showTime={{ format: 'HH:mm', minuteStep: 15 }}
        format="YYYY-MM-DD HH:mm"
        allowEmpty={[true, true]}
        style={{ width: '100%' }}
        data-testid="release-window"
      />
    </Form.Item>
  );
}

export type WindowValue = [Dayjs | null, Dayjs | null] | null | undefined;

export function windowBody(w: WindowValue): { validFrom?: number; validUntil?: number } {
  return {
    validFrom: w?.[0] ? epochOf(w[0]) : undefined,
    validUntil: w?.[1] ? epochOf(w[1]) : undefined,
  };
}

export function windowOf(from: number, until: number): WindowValue {
  return [pickerOf(from) ?? null, pickerOf(until) ?? null];
}
