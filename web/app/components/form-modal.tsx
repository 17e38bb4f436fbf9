import { Form, type FormInstance, Modal } from 'antd';
import { type ReactNode, type RefObject, useRef, useState } from 'react';
import { useErrorReporter } from '../forms';
import { useT } from '../i18n';

interface FormModalProps<V> {
  title: ReactNode;
  open: boolean;
  onClose(): void;
  initialValues?: Partial<V>;
  /** Resolves when saved; a thrown ApiError lands on the fields it names. */
  onSubmit(values: V): Promise<unknown>;
  /** On a 409: fetch the record as it is now; its values replace the form's (with the new version). */
  reload?: () => Promise<Partial<V>>;
  children: ReactNode | ((form: FormInstance<V>) => ReactNode);
  okText?: ReactNode;
  width?: number;
  testId?: string;
}

interface BodyProps<V> extends FormModalProps<V> {
  formRef: RefObject<FormInstance<V> | null>;
  setBusy(busy: boolean): void;
}

/**
 * The form of one opening of the dialog. It owns its form instance and is unmounted when
 * the dialog closes (destroyOnHidden), so every opening starts from its own initial values:
 * a form instance kept across openings merges what the previous opening left in its store
 * over the next record's values (rename A, then B, showed A's name).
 */
function FormBody<V extends object>(props: BodyProps<V>) {
  const [form] = Form.useForm<V>();
  const report = useErrorReporter();
  props.formRef.current = form;

  const submit = async (values: V) => {
    props.setBusy(true);
    try {
      await props.onSubmit(values);
      props.onClose();
    } catch (e) {
      report(e, {
        form,
        onReload: props.reload
          ? async () => {
              const fresh = await props.reload?.();
              if (fresh) form.setFieldsValue(fresh as Parameters<typeof form.setFieldsValue>[0]);
            }
          : undefined,
      });
    } finally {
      props.setBusy(false);
    }
  };

  return (
    <Form<V> form={form} layout="vertical" initialValues={props.initialValues} onFinish={submit} preserve={false} style={{ marginTop: 12 }}>
      {typeof props.children === 'function' ? props.children(form) : props.children}
    </Form>
  );
}

/** A dialog holding one form: submit on OK, errors shown in place, closed on success. */
export function FormModal<V extends object>(props: FormModalProps<V>) {
  const t = useT();
  const formRef = useRef<FormInstance<V> | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <Modal
      title={props.title}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => formRef.current?.submit()}
      okText={props.okText ?? t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={props.width}
      data-testid={props.testId}
    >
      <FormBody<V> {...props} formRef={formRef} setBusy={setBusy} />
    </Modal>
  );
}
