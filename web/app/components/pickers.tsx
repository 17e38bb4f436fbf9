import { type QueryKey, useQuery } from '@tanstack/react-query';
import { Select, type SelectProps } from 'antd';
import { type CSSProperties, useEffect, useState } from 'react';
import { api } from '../api';
import { useProjects } from '../data';
import { useT } from '../i18n';
import type { LookupHit, Page, Person, Staff, UnitDetail } from '../types';

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

type ValueProps<V> = { value?: V; onChange?: (v: V) => void; placeholder?: string; allowClear?: boolean };

export function ProjectSelect(
  props: ValueProps<string | undefined> & {
    style?: CSSProperties;
    /** An extra first option, e.g. "all projects" or "company level". */
    emptyOption?: string;
  },
) {
  const t = useT();
  const { data, isPending } = useProjects();
  const options: SelectProps['options'] = (data ?? []).map((p) => ({ value: p.id, label: p.name }));
  if (props.emptyOption) options.unshift({ value: '', label: props.emptyOption });
  return (
    <Select
      style={props.style ?? { minWidth: 180 }}
      loading={isPending}
      options={options}
      value={props.value ?? (props.emptyOption ? '' : undefined)}
      onChange={(v: string) => props.onChange?.(v || undefined)}
      placeholder={props.placeholder ?? t('common.chooseProject')}
      allowClear={props.allowClear}
      showSearch={{ optionFilterProp: 'label' }}
    />
  );
}

export function ProjectMultiSelect(props: ValueProps<string[]>) {
  const { data, isPending } = useProjects();
  return (
    <Select
      mode="multiple"
      loading={isPending}
      options={(data ?? []).map((p) => ({ value: p.id, label: p.name }))}
      value={props.value}
      onChange={props.onChange}
      placeholder={props.placeholder}
      showSearch={{ optionFilterProp: 'label' }}
    />
  );
}

type Option = { value: string; label: string };

/**
 * A select that searches the server as the user types. The current value is
 * fetched on its own, so it keeps its label when it is not among the hits.
 */
function RemotePicker<V extends string | undefined, H, C extends { id: string }>(
  props: ValueProps<V> & {
    searchKey(q: string): QueryKey;
    search(q: string): Promise<H>;
    hitOptions(hits: NoInfer<H>): Option[];
    currentKey: QueryKey;
    fetchCurrent(id: string): Promise<C>;
    label(current: NoInfer<C>): string;
    defaultPlaceholder: string;
  },
) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const hits = useQuery({
    queryKey: props.searchKey(q),
    queryFn: () => props.search(q),
    enabled: q.length > 0,
  });
  const current = useQuery({
    queryKey: props.currentKey,
    queryFn: () => props.fetchCurrent(props.value as string),
    enabled: !!props.value,
  });
  const options = hits.data ? props.hitOptions(hits.data) : [];
  const cur = current.data;
  if (cur && !options.some((o) => o.value === cur.id)) {
    options.unshift({ value: cur.id, label: props.label(cur) });
  }
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={props.value}
      onChange={props.onChange}
      options={options}
      loading={hits.isFetching}
      placeholder={props.placeholder ?? props.defaultPlaceholder}
      notFoundContent={q ? t('common.noMatch') : t('picker.typeToSearch')}
      allowClear={props.allowClear}
    />
  );
}

const unitLabel = (u: { projectName: string; number: string }) => `${u.projectName} ${u.number}`;
const personLabel = (p: { name: string; phone: string }) => `${p.name} ${p.phone}`;
const staffLabel = (s: { name: string; departmentName: string }) => `${s.name} · ${s.departmentName}`;

/** Picks a unit by typing its number, a name or a phone, as at the counter. */
export function UnitPicker(props: ValueProps<string> & { projectId?: string }) {
  const t = useT();
  const { projectId, ...rest } = props;
  return (
    <RemotePicker
      {...rest}
      searchKey={(q) => ['lookup', q, projectId ?? null]}
      search={(q: string) => api.get<{ items: LookupHit[] }>('/api/lookup', { q, projectId })}
      hitOptions={(d) => d.items.map((h) => ({ value: h.unit.id, label: unitLabel(h.unit) }))}
      currentKey={['unit', props.value]}
      fetchCurrent={(id: string) => api.get<UnitDetail>(`/api/units/${id}`)}
      label={unitLabel}
      defaultPlaceholder={t('picker.unit')}
    />
  );
}

export function PersonPicker(props: ValueProps<string | undefined>) {
  const t = useT();
  return (
    <RemotePicker
      {...props}
      searchKey={(q) => ['people', 'pick', q]}
      search={(q: string) => api.get<Page<Omit<Person, 'units'>>>('/api/people', { q, limit: 20 })}
      hitOptions={(d) => d.items.map((p) => ({ value: p.id, label: personLabel(p) }))}
      currentKey={['person', props.value]}
      fetchCurrent={(id: string) => api.get<Person>(`/api/people/${id}`)}
      label={personLabel}
      defaultPlaceholder={t('picker.person')}
    />
  );
}

export function StaffPicker(props: ValueProps<string | undefined>) {
  const t = useT();
  return (
    <RemotePicker
      {...props}
      searchKey={(q) => ['staff', 'pick', q]}
      search={(q: string) => api.get<Page<Staff>>('/api/staff', { q, limit: 20 })}
      hitOptions={(d) => d.items.map((s) => ({ value: s.id, label: staffLabel(s) }))}
      currentKey={['staff', props.value]}
      fetchCurrent={(id: string) => api.get<Staff>(`/api/staff/${id}`)}
      label={staffLabel}
      defaultPlaceholder={t('picker.staff')}
    />
  );
}
