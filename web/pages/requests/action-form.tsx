import { Cascader, DatePicker, Form, type FormInstance, Input, InputNumber, Select, Switch } from 'antd';
import type { Dayjs } from 'dayjs';
import { Fragment, useMemo } from 'react';
import { AssigneeSelect, DepartmentSelect, NO_ONE } from '../../app/components/assignee-select';
import { categoryOptions, useCategories } from '../../app/data';
import { useTx } from '../../app/i18n';
import { epochOf, pickerNow } from '../../app/picker-time';
import type { Kind, RequestDetail } from '../../app/types';

/** The part of JSON Schema (draft 2020-12, as zod writes it) that the action inputs use. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  description?: string;
}

type Widget = 'assignee' | 'department' | 'help' | 'category' | 'yuan' | 'datetime' | 'enum' | 'number' | 'boolean' | 'textarea' | 'text';

export interface FieldSpec {
  name: string;
  widget: Widget;
  required: boolean;
  nullable: boolean;
  schema: JsonSchema;
  options: string[];
}

/** Texts longer than a line get a text area. */
const LONG_TEXT = 200;

function typesOf(s: JsonSchema): string[] {
  const own = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return [...own, ...(s.anyOf ?? []).flatMap(typesOf)];
}

function enumOf(s: JsonSchema): string[] {
  if (s.enum) return s.enum.map(String);
  for (const a of s.anyOf ?? []) if (a.enum) return a.enum.map(String);
  return [];
}

/**
 * Widgets by the field's name first (the API's naming is the convention: ids of people and
 * departments, instants ending in At, money in fen), then by its JSON type.
 */
export function fieldsOf(input: unknown): FieldSpec[] {
  const schema = (input ?? {}) as JsonSchema;
  const required = new Set(schema.required ?? []);
  // Lists (materials used, photos) have their own pages on the technician's phone; the
  // generic form leaves them to their defaults rather than offering a text box for them.
  const entries = Object.entries(schema.properties ?? {}).filter(([, s]) => !typesOf(s).includes('array'));
  return entries.map(([name, s]) => {
    const types = typesOf(s);
    const numeric = types.includes('integer') || types.includes('number');
    const options = enumOf(s);
    const maxLength = s.maxLength ?? s.anyOf?.find((a) => a.maxLength)?.maxLength;
    let widget: Widget;
    if (name === 'assigneeId') widget = 'assignee';
    else if (name === 'departmentId') widget = 'department';
    else if (name === 'helpId') widget = 'help';
    else if (name === 'categoryId') widget = 'category';
    else if (name === 'priceFen') widget = 'yuan';
    else if (numeric && name.endsWith('At')) widget = 'datetime';
    else if (options.length) widget = 'enum';
    else if (numeric) widget = 'number';
    else if (types.includes('boolean')) widget = 'boolean';
    else widget = (maxLength ?? Number.POSITIVE_INFINITY) > LONG_TEXT ? 'textarea' : 'text';
    return { name, widget, required: required.has(name), nullable: types.includes('null'), schema: { ...s, maxLength }, options };
  });
}

/** Form values → the action's body: instants as epoch ms, yuan as fen, "nobody" as null, blanks left out. */
export function bodyOf(fields: FieldSpec[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined || v === null) continue;
    switch (f.widget) {
      case 'datetime':
        out[f.name] = epochOf(v as Dayjs);
        break;
      case 'yuan':
        out[f.name] = Math.round((v as number) * 100);
        break;
      case 'assignee':
        out[f.name] = v === NO_ONE ? null : v;
        break;
      case 'category': {
        const path = v as string[];
        if (path.length) out[f.name] = path[path.length - 1];
        break;
      }
      case 'text':
      case 'textarea': {
        const s = String(v).trim();
        if (s || f.required) out[f.name] = s;
        break;
      }
      default:
        out[f.name] = v;
    }
  }
  return out;
}

export function initialOf(fields: FieldSpec[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.schema.default !== undefined && f.schema.default !== '') out[f.name] = f.schema.default;
  }
  return out;
}

function CategoryField({ kind, value, onChange }: { kind?: Kind; value?: string[]; onChange?: (v: string[]) => void }) {
  const cats = useCategories(kind, false, !!kind);
  const options = useMemo(() => categoryOptions(cats.data ?? []), [cats.data]);
  return <Cascader options={options} changeOnSelect value={value} onChange={(v) => onChange?.(v as string[])} disabled={!kind} />;
}

/** One form item per input field of an action; labels from the dictionary, else the schema's description. */
export function ActionFields({ fields, request, form }: { fields: FieldSpec[]; request: RequestDetail; form: FormInstance }) {
  const { t, tx } = useTx();
  // A reclassification's category belongs to the new kind chosen in the same form.
  const chosenKind = Form.useWatch('kind', form) as Kind | undefined;
  const render = (f: FieldSpec) => {
    const label = tx(`reqfield.${f.name}`, f.schema.description ?? f.name);
    const hint = tx(`reqhint.${f.name}`, '');
    // A rule with keys besides `required` is validated as a string: only texts get `whitespace`.
    const text = f.widget === 'text' || f.widget === 'textarea';
    const required = text
      ? { required: true, whitespace: true, message: t('form.required') }
      : { required: true, message: t('form.required') };
    const rules = f.required ? [required] : [];
    const common = { name: f.name, label, rules, extra: hint || undefined };
    switch (f.widget) {
      case 'assignee':
        return (
          <Form.Item {...common}>
            <AssigneeSelect
              projectId={request.projectId}
              nullable={f.nullable}
              current={{ id: request.assigneeId, name: request.assigneeName }}
            />
          </Form.Item>
        );
      case 'department':
        return (
          <Form.Item {...common}>
            <DepartmentSelect projectId={request.projectId} />
          </Form.Item>
        );
      case 'help':
        return (
          <Form.Item {...common}>
            <Select
              data-testid={`action-field-${f.name}`}
              options={request.help.filter((h) => h.status === 'open').map((h) => ({ value: h.id, label: `${h.party}：${h.matter}` }))}
            />
          </Form.Item>
        );
      case 'category':
        return (
          <Form.Item {...common}>
            <CategoryField kind={chosenKind ?? (request.kind as Kind)} />
          </Form.Item>
        );
      case 'yuan':
        return (
          <Form.Item {...common} label={t('reqfield.priceYuan')}>
            <InputNumber
              min={f.schema.minimum !== undefined ? f.schema.minimum / 100 : 0}
              max={f.schema.maximum !== undefined ? f.schema.maximum / 100 : undefined}
              precision={2}
              step={1}
              prefix="¥"
              style={{ width: 200 }}
              data-testid={`action-field-${f.name}`}
            />
          </Form.Item>
        );
      case 'datetime':
        return (
          <Form.Item {...common}>
            <DatePicker
              showTime={{ format: 'HH:mm', minuteStep: 5 }}
              format="YYYY-MM-DD HH:mm"
              disabledDate={(d) => d.isBefore(pickerNow().startOf('day'))}
              style={{ width: 240 }}
              data-testid={`action-field-${f.name}`}
            />
          </Form.Item>
        );
      case 'enum':
        return (
          <Form.Item {...common}>
            <Select
              options={f.options
                .filter((o) => !(f.name === 'kind' && o === request.kind))
                .map((o) => ({ value: o, label: tx(`${f.name}.${o}`, o) }))}
              data-testid={`action-field-${f.name}`}
            />
          </Form.Item>
        );
      case 'number':
        return (
          <Form.Item {...common}>
            <InputNumber min={f.schema.minimum} max={f.schema.maximum} style={{ width: 200 }} />
          </Form.Item>
        );
      case 'boolean':
        return (
          <Form.Item {...common} valuePropName="checked">
            <Switch />
          </Form.Item>
        );
      case 'textarea':
        return (
          <Form.Item {...common}>
            <Input.TextArea rows={3} maxLength={f.schema.maxLength} showCount data-testid={`action-field-${f.name}`} />
          </Form.Item>
        );
      default:
        return (
          <Form.Item {...common}>
            <Input maxLength={f.schema.maxLength} data-testid={`action-field-${f.name}`} />
          </Form.Item>
        );
    }
  };
  return (
    <>
      {fields.map((f) => (
        <Fragment key={f.name}>{render(f)}</Fragment>
      ))}
    </>
  );
}
