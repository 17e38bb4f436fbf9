import { useSearchParams } from 'react-router';

/**
 * A page's choices kept in the address (filters, the open record): read them, and set or clear
 * one. Choosing does not add a step to the browser's history, except for `historyKeys` (opening
 * something the back button should close again).
 */
export function useAddressParams<K extends string = string>(historyKeys: readonly string[] = []) {
  const [params, setParams] = useSearchParams();
  const set = (key: K, value: string | undefined) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: !historyKeys.includes(key) },
    );
  return [params, set] as const;
}
