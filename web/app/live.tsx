import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';

/** What the server says changed; pages re-read what they show through the normal API. */
export interface LiveMessage {
  type: string;
  requestId?: string;
  projectId?: string;
  at: number;
}

export type LiveState = 'connecting' | 'connected' | 'disconnected';

/** The named events of GET /api/live. Server-sent events only reach a listener registered for their name. */
const EVENT_TYPES = [
  'request.created',
  'request.updated',
  'request.assigned',
  'deadline.warned',
  'deadline.breached',
  'deadline.escalated',
  'notification',
] as const;

/**
 * Sent to subscribers after a dropped stream comes back: whatever happened in between
 * was not delivered, so every live view refetches.
 */
export const RECONNECTED = 'live.reconnected';

/** After the browser gives up (e.g. the stream answered 401 or 5xx), try again this much later. */
const RETRY_CLOSED_MS = 5_000;

type Listener = (m: LiveMessage) => void;

interface LiveHub {
  state: LiveState;
  subscribe(fn: Listener): () => void;
}

const LiveContext = createContext<LiveHub | null>(null);

/** One event stream per tab, shared by the queue, the request page and the notification bell. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<LiveState>('connecting');
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    if (typeof EventSource === 'undefined') {
      setState('disconnected');
      return;
    }
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let everOpen = false;
    let stopped = false;
    const dispatch = (m: LiveMessage) => {
      for (const fn of listeners.current) fn(m);
    };
    const connect = () => {
      es = new EventSource('/api/live');
      es.onopen = () => {
        setState('connected');
        if (everOpen) dispatch({ type: RECONNECTED, at: Date.now() });
        everOpen = true;
      };
      es.onerror = () => {
        if (!es || es.readyState !== EventSource.CLOSED) {
          setState('connecting');
          return;
        }
        setState('disconnected');
        es.close();
        if (!stopped) retry = setTimeout(connect, RETRY_CLOSED_MS);
      };
      for (const type of EVENT_TYPES) {
        es.addEventListener(type, (e) => {
          let data: Partial<LiveMessage> = {};
          try {
            data = JSON.parse((e as MessageEvent<string>).data) as Partial<LiveMessage>;
          } catch {
            // the event name alone is enough to refetch
          }
          dispatch({ ...data, type, at: data.at ?? Date.now() });
        });
      }
    };
    connect();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      es?.close();
    };
  }, []);

  const subscribe = useCallback((fn: Listener) => {
    listeners.current.add(fn);
    return () => {
      listeners.current.delete(fn);
    };
  }, []);
  const hub = useMemo<LiveHub>(() => ({ state, subscribe }), [state, subscribe]);
  return <LiveContext.Provider value={hub}>{children}</LiveContext.Provider>;
}

export function useLiveState(): LiveState {
  return useContext(LiveContext)?.state ?? 'disconnected';
}

/**
 * Calls `onEvent` for live events that pass `accept` (and after a reconnect).
 * Bursts (a sweep that breaches twenty deadlines) are coalesced into one call.
 */
export function useLive(accept: (m: LiveMessage) => boolean, onEvent: (m: LiveMessage) => void, coalesceMs = 150): void {
  const hub = useContext(LiveContext);
  const latest = useRef({ accept, onEvent });
  latest.current = { accept, onEvent };
  const subscribe = hub?.subscribe;
  useEffect(() => {
    if (!subscribe) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last: LiveMessage | null = null;
    const unsubscribe = subscribe((m) => {
      if (m.type !== RECONNECTED && !latest.current.accept(m)) return;
      last = m;
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (last) latest.current.onEvent(last);
      }, coalesceMs);
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  }, [subscribe, coalesceMs]);
}

export const isRequestEvent = (m: LiveMessage) => m.type.startsWith('request.') || m.type.startsWith('deadline.');
