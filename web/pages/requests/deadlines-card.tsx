import { FieldTimeOutlined, PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Button, Card, Descriptions, Empty, Flex, Typography } from 'antd';
import { DeadlineTags, DueText, useDuration } from '../../app/components/request-tags';
import { formatDateTime } from '../../app/format';
import { useTx } from '../../app/i18n';
import type { DeadlineInfo, RequestDetail } from '../../app/types';

export function DeadlinesCard(props: {
  request: RequestDetail;
  now: number;
  canHandle: boolean;
  canSupervise: boolean;
  onPause(): void;
  onResume(): void;
  onExtend(d: DeadlineInfo): void;
}) {
  const { t, tx } = useTx();
  const duration = useDuration();
  const { request: r } = props;
  const running = r.deadlines.some((d) => d.status === 'running');
  const paused = r.deadlines.some((d) => d.status === 'paused');
  return (
    <Card
      size="small"
      title={
        <span>
          <FieldTimeOutlined /> {t('request.deadlines')}
        </span>
      }
      data-testid="request-deadlines"
      extra={
        props.canHandle && r.isOpen ? (
          <Flex gap={4}>
            {running ? (
              <Button size="small" icon={<PauseCircleOutlined />} onClick={props.onPause} data-testid="deadline-pause">
                {t('deadline.pause')}
              </Button>
            ) : null}
            {paused ? (
              <Button size="small" icon={<PlayCircleOutlined />} onClick={props.onResume} data-testid="deadline-resume">
                {t('deadline.resume')}
              </Button>
            ) : null}
          </Flex>
        ) : null
      }
    >
      {r.deadlines.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('deadline.none')} />
      ) : (
        r.deadlines.map((d) => {
          const live = d.status === 'running' || d.status === 'paused';
          return (
            <div key={d.id} className="deadline" data-testid="deadline" data-status={d.status}>
              <Flex justify="space-between" align="center" wrap gap={4}>
                <Typography.Text strong>{tx(`deadlineKind.${d.kind}`, d.label)}</Typography.Text>
                <span>
                  <DeadlineTags d={d} />
                </span>
              </Flex>
              <Descriptions
                size="small"
                column={1}
                className="deadline-facts"
                items={[
                  {
                    key: 'due',
                    label: t('deadline.due'),
                    children: <DueText dueAt={d.dueAt} now={props.now} open={d.status === 'running'} />,
                  },
                  { key: 'basis', label: t('deadline.basis'), children: tx(`basis.${d.basis}`, d.basis) },
                  { key: 'start', label: t('deadline.started'), children: formatDateTime(d.startedAt) },
                  ...(d.metAt ? [{ key: 'met', label: t('deadline.metAt'), children: formatDateTime(d.metAt) }] : []),
                  ...(d.breachedAt ? [{ key: 'br', label: t('deadline.breachedAt'), children: formatDateTime(d.breachedAt) }] : []),
                  ...(d.pausedMs > 0 || d.status === 'paused'
                    ? [
                        {
                          key: 'paused',
                          label: t('deadline.pausedFor'),
                          children: `${duration(d.pausedMs)}${d.pauseReason ? `（${d.pauseReason}）` : ''}`,
                        },
                      ]
                    : []),
                  ...(d.extensions > 0
                    ? [{ key: 'ext', label: t('deadline.extensions'), children: t('deadline.extendedTimes', { n: d.extensions }) }]
                    : []),
                ]}
              />
              {props.canSupervise && live && r.isOpen ? (
                <Button size="small" onClick={() => props.onExtend(d)} data-testid="deadline-extend">
                  {t('deadline.extend')}
                </Button>
              ) : null}
            </div>
          );
        })
      )}
    </Card>
  );
}
