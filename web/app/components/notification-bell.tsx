import { BellOutlined, CheckOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Drawer, Empty, Flex, Segmented, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { keys, usePagedList } from '../data';
import { formatDateTime } from '../format';
import { useErrorReporter } from '../forms';
import { useT } from '../i18n';
import { useLive } from '../live';
import type { AppNotification } from '../types';
import { LoadMore } from './load-more';

const isNotification = (m: { type: string }) => m.type === 'notification';

function Inbox({ onNavigate }: { onNavigate(): void }) {
  const t = useT();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const report = useErrorReporter();
  const [filter, setFilter] = useState<'unread' | 'all'>('unread');
  const list = usePagedList<AppNotification>(keys.notifications, '/api/notifications', {
    unread: filter === 'unread' ? 'true' : undefined,
    limit: 30,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: keys.notifications });

  const markRead = async (n: AppNotification) => {
    if (n.read) return;
    try {
      const res = await api.post<{ unread: number }>(`/api/notifications/${n.id}/read`);
      qc.setQueryData(keys.unread, res);
      refresh();
    } catch (e) {
      report(e);
    }
  };
  const readAll = async () => {
    try {
      const res = await api.post<{ unread: number }>('/api/notifications/read-all');
      qc.setQueryData(keys.unread, res);
      refresh();
    } catch (e) {
      report(e);
    }
  };
  const open = async (n: AppNotification) => {
    await markRead(n);
    // Links are console paths (/requests/…); anything else is not followed.
    if (n.link.startsWith('/') && !n.link.startsWith('//')) {
      navigate(n.link);
      onNavigate();
    }
  };

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Segmented<'unread' | 'all'>
          size="small"
          value={filter}
          onChange={setFilter}
          options={[
            { value: 'unread', label: t('inbox.unread') },
            { value: 'all', label: t('inbox.all') },
          ]}
        />
        <Button size="small" icon={<CheckOutlined />} onClick={readAll} data-testid="inbox-read-all">
          {t('inbox.readAll')}
        </Button>
      </Flex>
      {list.isPending ? (
        <Skeleton active />
      ) : list.items.length === 0 ? (
        <Empty description={filter === 'unread' ? t('inbox.noUnread') : t('inbox.empty')} />
      ) : (
        list.items.map((n) => (
          <div key={n.id} className={`inbox-item${n.read ? ' read' : ''}`} data-testid="inbox-item">
            <button type="button" className="inbox-open" onClick={() => open(n)}>
              <div className="inbox-title">
                {n.read ? null : <Badge status="processing" />} {n.title}
              </div>
              {n.body ? <div className="inbox-body">{n.body}</div> : null}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(n.at)}
              </Typography.Text>
            </button>
            {n.read ? null : (
              <Button size="small" type="link" onClick={() => markRead(n)}>
                {t('inbox.markRead')}
              </Button>
            )}
          </div>
        ))
      )}
      <LoadMore
        hasMore={!!list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => list.fetchNextPage()}
        count={list.items.length}
      />
    </>
  );
}

/** The bell in the header: unread count kept current by the live stream, the inbox in a drawer. */
export function NotificationBell({ compact }: { compact?: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const unread = useQuery({
    queryKey: keys.unread,
    queryFn: () => api.get<{ unread: number }>('/api/notifications/unread-count'),
    staleTime: 60_000,
  });
  useLive(isNotification, () => {
    qc.invalidateQueries({ queryKey: keys.notifications });
  });
  const n = unread.data?.unread ?? 0;
  return (
    <>
      <Badge count={n} size="small" offset={[-4, 4]}>
        <Button
          type="text"
          icon={<BellOutlined />}
          aria-label={t('inbox.title')}
          onClick={() => setOpen(true)}
          data-testid="notification-bell"
          data-unread={n}
        />
      </Badge>
      <Drawer title={t('inbox.title')} open={open} onClose={() => setOpen(false)} size={compact ? '100%' : 420} destroyOnHidden>
        <Inbox onNavigate={() => setOpen(false)} />
      </Drawer>
    </>
  );
}
