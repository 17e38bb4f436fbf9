import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { api } from '../api';
import { useMe } from '../auth';
import { useDepartments } from '../data';
import { useT } from '../i18n';
import type { Page, Staff } from '../types';

/** Stands for an explicit "nobody" in a select, sent to the API as null. */
export const NO_ONE = '__none__';

/**
 * An assignee is a login account (users.id), not a staff record. The staff list names the
 * account of each person only when the server includes `userId`; the signed-in user can
 * always take an item themselves.
 */
const accountOf = (s: Staff) => (s as Staff & { userId?: string | null }).userId ?? null;

export function useAssignees(projectId: string | undefined, current?: { id: string | null; name: string | null }) {
  const me = useMe().data;
  const staff = useQuery({
    queryKey: ['staff', 'assignable', projectId ?? null],
    queryFn: () => api.get<Page<Staff>>('/api/staff', { projectId, limit: 200 }),
    staleTime: 60_000,
  });
  const options: { value: string; label: string }[] = [];
  const seen = new Set<string>();
  const add = (value: string | null | undefined, label: string) => {
    if (!value || seen.has(value)) return;
    seen.add(value);
    options.push({ value, label });
  };
  if (me) add(me.id, me.name);
  if (current?.id) add(current.id, current.name ?? current.id);
  for (const s of staff.data?.items ?? []) if (s.active) add(accountOf(s), `${s.name} · ${s.departmentName}`);
  return { options, loading: staff.isPending, names: new Map(options.map((o) => [o.value, o.label])) };
}

export function AssigneeSelect(props: {
  projectId?: string;
  value?: string;
  onChange?: (v: string | undefined) => void;
  nullable?: boolean;
  current?: { id: string | null; name: string | null };
}) {
  const t = useT();
  const me = useMe().data;
  const { options, loading } = useAssignees(props.projectId, props.current);
  const labelled = options.map((o) => (o.value === me?.id ? { ...o, label: `${o.label}（${t('assignee.me')}）` } : o));
  return (
    <Select
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      loading={loading}
      value={props.value}
      onChange={(v: string | undefined) => props.onChange?.(v)}
      placeholder={t('assignee.placeholder')}
      options={props.nullable ? [...labelled, { value: NO_ONE, label: t('assignee.none') }] : labelled}
      data-testid="assignee-select"
    />
  );
}

export function DepartmentSelect(props: { projectId?: string; value?: string; onChange?: (v: string | undefined) => void }) {
  const t = useT();
  const departments = useDepartments(props.projectId);
  return (
    <Select
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      loading={departments.isPending}
      value={props.value}
      onChange={(v: string | undefined) => props.onChange?.(v)}
      placeholder={t('field.department')}
      options={(departments.data ?? []).map((d) => ({
        value: d.id,
        label: d.projectName ? d.name : `${d.name}（${t('departments.companyLevel')}）`,
      }))}
    />
  );
}
