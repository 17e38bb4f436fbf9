import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Empty, Flex, Skeleton, Typography } from 'antd';
import { api } from '../../app/api';
import { RelationTag, UnitStatusTag } from '../../app/components/tags';
import { formatArea, formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { UnitDetail } from '../../app/types';
import type { MyNotice } from '../../pages/frontdesk/frontdesk-types';

/** Emergency notices of the estates the resident lives in (停水停电, 电梯困人…), shown on top until the emergency closes. */
function EmergencyNotices() {
  const t = useT();
  const q = useQuery({ queryKey: ['me', 'notices'], queryFn: () => api.get<MyNotice[]>('/api/me/notices'), refetchInterval: 5 * 60_000 });
  if (!q.data?.length) return null;
  return (
    <Flex vertical gap={8} style={{ marginBottom: 12 }}>
      {q.data.map((n) => (
        <Alert
          key={n.id}
          type="warning"
          showIcon
          title={`${n.projectName} · ${t(`emergency.type.${n.type}`)}`}
          description={
            <>
              <div className="pre-wrap">{n.text}</div>
              <div className="small muted">{formatDateTime(n.publishedAt)}</div>
            </>
          }
          data-testid="resident-notice"
        />
      ))}
    </Flex>
  );
}

export default function MyUnitsPage() {
  const t = useT();
  const q = useQuery({ queryKey: ['me', 'units'], queryFn: () => api.get<UnitDetail[]>('/api/me/units') });
  return (
    <div>
      <EmergencyNotices />
      <Typography.Title level={4}>{t('resident.myUnits')}</Typography.Title>
      {q.isPending ? (
        <Skeleton active />
      ) : q.isError ? (
        <Alert type="error" showIcon title={errorText(q.error, t)} />
      ) : q.data.length === 0 ? (
        <Empty description={t('resident.noUnits')} />
      ) : (
        <Flex vertical gap={12}>
          {q.data.map((u) => (
            <Card key={u.id} size="small" title={`${u.projectName} ${u.number}`} data-testid="my-unit">
              <Descriptions
                size="small"
                column={1}
                items={[
                  { key: 'area', label: t('field.area'), children: formatArea(u.area) },
                  { key: 'status', label: t('field.status'), children: <UnitStatusTag status={u.status} /> },
                  {
                    key: 'occupants',
                    label: t('unit.occupants'),
                    children: (
                      <Flex vertical gap={4}>
                        {u.occupants
                          .filter((o) => !o.endDate)
                          .map((o) => (
                            <span key={o.occupancyId}>
                              {o.name} <RelationTag relation={o.relation} />
                            </span>
                          ))}
                      </Flex>
                    ),
                  },
                ]}
              />
            </Card>
          ))}
        </Flex>
      )}
    </div>
  );
}
