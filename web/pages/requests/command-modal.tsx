import { useQueryClient } from '@tanstack/react-query';
import { App, Form, type FormInstance, Modal } from 'antd';
import { type ReactNode, useCallback, useState } from 'react';
import { ApiError } from '../../app/api';
import { keys } from '../../app/data';
import { useErrorReporter } from '../../app/forms';
import { useTx } from '../../app/i18n';
import type { RequestDetail } from '../../app/types';

export type CommandResult = 'done' | 'conflict' | 'failed';

/**
 * Runs one command on a request. Every command carries the version it was read at; when
 * someone else acted first the server answers 409 with the state as it is now, and the
 * user is told who won and offered the current record instead of a silent overwrite.
 */
export function useRequestCommand(request: Pick<RequestDetail, 'id' | 'kind'>, reload: () => void) {
  const qc = useQueryClient();
  const { modal } = App.useApp();
  const report = useErrorReporter();
  const { t, tx } = useTx();
  return useCallback(
    async (call: () => Promise<RequestDetail>, form?: FormInstance): Promise<CommandResult> => {
      try {
        const fresh = await call();
        qc.setQueryData(keys.request(request.id), fresh);
        qc.invalidateQueries({ queryKey: keys.queue });
        return 'done';
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) {
          const cur = (e.current ?? {}) as { status?: string; statusLabel?: string };
          const status = cur.status ? tx(`status.${request.kind}.${cur.status}`, cur.statusLabel ?? cur.status) : '';
          modal.confirm({
            title: t('request.conflictTitle'),
            content: <span data-testid="conflict-body">{t('request.conflictBody', { status })}</span>,
            okText: t('error.reload'),
            cancelText: t('common.cancel'),
            onOk: reload,
          });
          return 'conflict';
        }
        report(e, { form });
        return 'failed';
      }
    },
    [qc, modal, report, t, tx, request.id, request.kind, reload],
  );
}

/** A dialog with one form whose submit is a request command; closes on success and on a conflict. */
export function CommandModal<V extends object>(props: {
  title: ReactNode;
  open: boolean;
  onClose(): void;
  run: (call: () => Promise<RequestDetail>, form?: FormInstance) => Promise<CommandResult>;
  submit: (values: V) => Promise<RequestDetail>;
  initialValues?: Partial<V>;
  okText?: ReactNode;
  children: ReactNode | ((form: FormInstance<V>) => ReactNode);
  testId?: string;
}) {
  const { t } = useTx();
  const [form] = Form.useForm<V>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      title={props.title}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={props.okText ?? t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      data-testid={props.testId}
    >
      <Form<V>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={props.initialValues}
        style={{ marginTop: 12 }}
        onFinish={async (v) => {
          setBusy(true);
          try {
            const res = await props.run(() => props.submit(v), form);
            if (res !== 'failed') props.onClose();
          } finally {
            setBusy(false);
          }
        }}
      >
        {typeof props.children === 'function' ? props.children(form) : props.children}
      </Form>
    </Modal>
  );
}
