import { type InfiniteData, type QueryClient, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, type Query } from './api';
import type { Category, Department, Kind, Page, Phrase, PriceItem, Project, RepairScope, RoleInfo, Warranty } from './types';

export const keys = {
  projects: ['projects'] as const,
  roles: ['roles'] as const,
  departments: (projectId?: string) => ['departments', projectId ?? null] as const,
  buildings: (projectId: string) => ['buildings', projectId] as const,
  units: (projectId: string, buildingId: string) => ['units', projectId, buildingId] as const,
  unit: (id: string) => ['unit', id] as const,
  unitHistory: (id: string) => ['unit', id, 'history'] as const,
  person: (id: string) => ['person', id] as const,
  personHistory: (id: string) => ['person', id, 'history'] as const,
  lookup: (q: string, projectId?: string) => ['lookup', q, projectId ?? null] as const,
  request: (id: string) => ['request', id] as const,
  /** Prefix of every queue list, whatever its scope and filters: a live event refreshes them all. */
  queue: ['queue'] as const,
  categories: (kind?: Kind, all = false) => ['categories', kind ?? null, all] as const,
  phrases: ['phrases'] as const,
  /** Prefix of every price list, whatever its project: an edit refreshes the intake's drawer too. */
  priceItemsAll: ['price-items'] as const,
  priceItems: (projectId: string, all = false) => ['price-items', projectId, all] as const,
  warranty: (unitId: string, scope: RepairScope, categoryId: string) => ['unit', unitId, 'warranty', scope, categoryId] as const,
  notifications: ['notifications'] as const,
  unread: ['notifications', 'unread'] as const,
};

export function useProjects() {
  return useQuery({ queryKey: keys.projects, queryFn: () => api.get<Project[]>('/api/projects'), staleTime: 60_000 });
}

export function useRoles() {
  return useQuery({ queryKey: keys.roles, queryFn: () => api.get<RoleInfo[]>('/api/roles'), staleTime: 10 * 60_000 });
}

export function useDepartments(projectId?: string) {
  return useQuery({
    queryKey: keys.departments(projectId),
    queryFn: () => api.get<Department[]>('/api/departments', { projectId }),
    staleTime: 60_000,
  });
}

/** A keyset-paginated list: each page asks for the rows after the previous page's nextCursor. */
export function usePagedList<T>(key: readonly unknown[], path: string, query: Query = {}, enabled = true) {
  const q = useInfiniteQuery({
    queryKey: [...key, query],
    queryFn: ({ pageParam }) => api.get<Page<T>>(path, { ...query, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return { ...q, items };
}

/** Finds a row in the cached pages of a paged list (after a refetch), e.g. to refill a form after a conflict. */
export function findInPagedCache<T>(qc: QueryClient, key: readonly unknown[], match: (row: T) => boolean): T | undefined {
  for (const [, data] of qc.getQueriesData<InfiniteData<Page<T>>>({ queryKey: key })) {
    for (const page of data?.pages ?? []) {
      const hit = page.items.find(match);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Active categories of a kind (or every category with `all`), as the server orders them. */
export function useCategories(kind?: Kind, all = false, enabled = true) {
  return useQuery({
    queryKey: keys.categories(kind, all),
    queryFn: () => api.get<Category[]>('/api/categories', { kind, all: all ? 'true' : undefined }),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** The whole phrase library is a few dozen lines: one read, filtered per scenario as the form changes. */
export function usePhrases() {
  return useQuery({ queryKey: keys.phrases, queryFn: () => api.get<Phrase[]>('/api/phrases'), staleTime: 5 * 60_000 });
}

/** A project's price list: its own items and the company-wide ones (inactive too with `all`). */
export function usePriceItems(projectId: string | undefined, all = false) {
  return useQuery({
    queryKey: keys.priceItems(projectId ?? '', all),
    queryFn: () => api.get<PriceItem[]>('/api/price-items', { projectId, all: all ? 'true' : undefined }),
    staleTime: 60_000,
    enabled: !!projectId,
  });
}

/** Free or paid for a repair of this category in this unit, as the project's warranty rules say today. */
export function useWarranty(unitId: string | undefined, scope: RepairScope, categoryId: string | undefined) {
  return useQuery({
    queryKey: keys.warranty(unitId ?? '', scope, categoryId ?? ''),
    queryFn: () => api.get<Warranty>(`/api/units/${unitId}/warranty`, { scope, categoryId }),
    enabled: !!unitId && !!categoryId,
  });
}

export interface CategoryOption {
  value: string;
  label: string;
  disabled?: boolean;
  children?: CategoryOption[];
}

/** Categories are at most two levels (the server enforces it): parents with their children. */
export function categoryOptions(cats: Category[]): CategoryOption[] {
  const roots = cats.filter((c) => !c.parentId);
  return roots.map((r) => {
    const children = cats.filter((c) => c.parentId === r.id).map((c) => ({ value: c.id, label: c.name }));
    return { value: r.id, label: r.name, ...(children.length ? { children } : {}) };
  });
}

/** The cascader path of a category id: [parent, child] or [root]. */
export function categoryPathOf(cats: Category[], id: string | null | undefined): string[] | undefined {
  if (!id) return undefined;
  const c = cats.find((x) => x.id === id);
  if (!c) return undefined;
  return c.parentId ? [c.parentId, c.id] : [c.id];
}
