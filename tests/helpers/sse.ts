/** Server-sent events as a browser's EventSource reads them: GET /api/live, events collected as they arrive. */
export interface SseEvent {
  event: string;
  data: { type: string; requestId?: string; projectId?: string; userId?: string; at: number };
}

export async function openLive(base: string, cookie?: string) {
  const ac = new AbortController();
  const res = await fetch(`${base}/api/live`, { headers: cookie ? { cookie } : {}, signal: ac.signal });
  const events: SseEvent[] = [];
  const listeners = new Set<() => void>();
  if (res.ok && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buf += decoder.decode(value, { stream: true });
          let end = buf.indexOf('\n\n');
          while (end >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            end = buf.indexOf('\n\n');
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
            }
            // Comment blocks (": connected", ": ping") carry no data.
            if (data.length === 0) continue;
            events.push({ event, data: JSON.parse(data.join('\n')) });
            for (const l of listeners) l();
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    events,
    /** Resolves with the first event (already received or arriving) that matches; rejects after `ms`. */
    waitFor(match: (e: SseEvent) => boolean, ms = 2000): Promise<SseEvent> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(match);
          if (!hit) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching live event within ${ms} ms; got ${JSON.stringify(events)}`));
        }, ms);
        listeners.add(check);
        check();
      });
    },
    close: () => ac.abort(),
  };
}

export type Live = Awaited<ReturnType<typeof openLive>>;
