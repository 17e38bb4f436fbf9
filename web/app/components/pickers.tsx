import { useQuery } from '@tanstack/react-query';
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

/** Picks a unit by typing its number, a name or a phone, as at the counter. */
export function UnitPicker(props: ValueProps<string> & { projectId?: string }) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const hits = useQuery({
    queryKey: ['lookup', q, props.projectId ?? null],
    queryFn: () => api.get<{ items: LookupHit[] }>('/api/lookup', { q, projectId: props.projectId }),
    enabled: q.length > 0,
  });
  const current = useQuery({
    queryKey: ['unit', props.value],
    queryFn: () => api.get<UnitDetail>(`/api/units/${props.value}`),
    enabled: !!props.value,
  });
  const options = (hits.data?.items ?? []).map((h) => ({
    value: h.unit.id,
    label: `${h.unit.projectName} ${h.unit.number}`,
  }));
  if (current.data && !options.some((o) => o.value === current.data.id)) {
    options.unshift({ value: current.data.id, label: `${current.data.projectName} ${current.data.number}` });
  }
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={props.value}
      onChange={props.onChange}
      options={options}
      loading={hits.isFetching}
      placeholder={props.placeholder ?? t('picker.unit')}
      notFoundContent={q ? t('common.noMatch') : t('picker.typeToSearch')}
      allowClear={props.allowClear}
    />
  );
}

export function PersonPicker(props: ValueProps<string | undefined>) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const hits = useQuery({
    queryKey: ['people', 'pick', q],
    queryFn: () => api.get<Page<Omit<Person, 'units'>>>('/api/people', { q, limit: 20 }),
    enabled: q.length > 0,
  });
  const current = useQuery({
    queryKey: ['person', props.value],
    queryFn: () => api.get<Person>(`/api/people/${props.value}`),
    enabled: !!props.value,
  });
  const options = (hits.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} ${p.phone}` }));
  if (current.data && !options.some((o) => o.value === current.data.id)) {
    options.unshift({ value: current.data.id, label: `${current.data.name} ${current.data.phone}` });
  }
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={props.value}
      onChange={props.onChange}
      options={options}
      loading={hits.isFetching}
      placeholder={props.placeholder ?? t('picker.person')}
      notFoundContent={q ? t('common.noMatch') : t('picker.typeToSearch')}
      allowClear={props.allowClear}
    />
  );
}

export function StaffPicker(props: ValueProps<string | undefined>) {
  const t = useT();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const hits = useQuery({
    queryKey: ['staff', 'pick', q],
    queryFn: () => api.get<Page<Staff>>('/api/staff', { q, limit: 20 }),
    enabled: q.length > 0,
  });
  const current = useQuery({
    queryKey: ['staff', props.value],
    queryFn: () => api.get<Staff>(`/api/staff/${props.value}`),
    enabled: !!props.value,
  });
  const options = (hits.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name} · ${s.departmentName}` }));
  if (current.data && !options.some((o) => o.value === current.data.id)) {
    options.unshift({ value: current.data.id, label: `${current.data.name} · ${current.data.departmentName}` });
  }
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setSearch }}
      value={props.value}
      onChange={props.onChange}
      options={options}
      loading={hits.isFetching}
      placeholder={props.placeholder ?? t('picker.staff')}
      notFoundContent={q ? t('common.noMatch') : t('picker.typeToSearch')}
      allowClear={props.allowClear}
    />
  );
}
