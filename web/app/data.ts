import { type InfiniteData, type QueryClient, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, type Query } from './api';
import type { Department, Page, Project, RoleInfo } from './types';

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
