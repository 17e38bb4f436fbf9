import { App, type FormInstance } from 'antd';
import { useCallback } from 'react';
import { ApiError } from './api';
import { type Translate, useI18n } from './i18n';

export function errorText(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    if (err.message) return err.message;
    if (err.status === 403) return t('error.forbidden');
    if (err.status === 404) return t('error.notFound');
  }
  return t('error.unexpected');
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Maps an API field path ("occupancy.unitId", "plates.1") onto a registered form
 * field. A path that goes deeper than a field (an element of a tags select) lands on
 * that field; a path the form does not have returns null.
 */
function resolveField(values: Record<string, unknown>, path: string): (string | number)[] | null {
  const name: (string | number)[] = [];
  let cur: unknown = values;
  for (const seg of path.split('.')) {
    if (isPlainObject(cur) && seg in cur) {
      name.push(seg);
      cur = cur[seg];
    } else if (Array.isArray(cur) && /^\d+$/.test(seg) && isPlainObject(cur[Number(seg)])) {
      name.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      break;
    }
  }
  return name.length ? name : null;
}

interface ReportOptions {
  form?: FormInstance;
  /** Offered on a 409: reload the record as it is now. */
  onReload?: () => void;
}

/**
 * Shows an API error where the user will look for it: a field's message under that
 * field, a conflict as a dialog with a reload action, anything else as a toast.
 */
export function useErrorReporter() {
  const { message, modal } = App.useApp();
  const { t } = useI18n();
  return useCallback(
    (err: unknown, opts: ReportOptions = {}) => {
      if (err instanceof ApiError && err.status === 409) {
        modal.confirm({
          title: t('error.conflictTitle'),
          content: t('error.conflictBody'),
          okText: t('error.reload'),
          cancelText: t('common.cancel'),
          onOk: () => opts.onReload?.(),
        });
        return;
      }
      if (err instanceof ApiError && err.status === 401 && err.code === 'unauthorized') return;
      let unmatched = !(err instanceof ApiError) || Object.keys(err.fields).length === 0;
      if (err instanceof ApiError && opts.form) {
        const registered = opts.form.getFieldsValue();
        const fields: { name: (string | number)[]; errors: string[] }[] = [];
        for (const [path, msg] of Object.entries(err.fields)) {
          const name = resolveField(registered, path);
          if (name) fields.push({ name, errors: [msg] });
          else unmatched = true;
        }
        if (fields.length) opts.form.setFields(fields);
      } else if (err instanceof ApiError) {
        unmatched = true;
      }
      if (unmatched) message.error(errorText(err, t));
    },
    [message, modal, t],
  );
}
