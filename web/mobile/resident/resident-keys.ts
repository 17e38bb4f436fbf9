/** Query keys of the resident's pages: their own lists, apart from the staff console's. */
export const residentKeys = {
  units: ['me', 'units'] as const,
  /** Prefix of the resident's request list, whatever its page. */
  requests: ['me', 'requests'] as const,
  request: (id: string) => ['me', 'request', id] as const,
};
