import { Card, Descriptions, Table, Tag, Typography } from 'antd';
import { formatDateTime } from '../../app/format';
import { useTx } from '../../app/i18n';
import type { RequestDetail } from '../../app/types';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const EMERGENCY_STEPS = ['judge', 'soothe', 'notify_head', 'stay_on_post', 'head_handles', 'tracking_form', 'special_report'];

function emergencyDone(raw: unknown): Map<string, { at: number; by: string; note: string }> {
  try {
    const list = JSON.parse(str(raw) || '[]') as { step: string; at: number; by: string; note: string }[];
    return new Map(list.map((e) => [e.step, e]));
  } catch {
    return new Map();
  }
}

/** The complaint as the service standard follows it: grade, escalation, findings to closure, help asked of others. */
export function ComplaintCard({ request: r }: { request: RequestDetail }) {
  const { t, tx } = useTx();
  const d = r.detail;
  const grade = str(d.grade);
  const escalation = str(d.escalation);
  const items: { key: string; label: string; children: React.ReactNode }[] = [];
  const add = (key: string, label: string, value: React.ReactNode) => {
    if (value === '' || value === null || value === undefined) return;
    items.push({ key, label, children: typeof value === 'string' ? <span className="pre-wrap">{value}</span> : value });
  };
  add(
    'grade',
    t('complaint.grade'),
    <span data-testid="complaint-grade">
      <Tag color={grade === 'urgent' ? 'red' : grade === 'significant' ? 'orange' : undefined}>{tx(`complaint.grade.${grade}`, grade)}</Tag>
      {d.compensation ? <Tag>{t('complaint.compensation')}</Tag> : null}
      {d.aboutManager ? <Tag>{t('complaint.aboutManager')}</Tag> : null}
    </span>,
  );
  if (escalation)
    add(
      'escalation',
      t('complaint.escalation'),
      <span data-testid="complaint-escalation">
        <Tag color="purple">{tx(`complaint.escalation.${escalation}`, escalation)}</Tag> {str(d.escalationReason)}
      </span>,
    );
  add('promisedAt', t('complaint.promisedAt'), num(d.promisedAt) ? formatDateTime(num(d.promisedAt)) : '');
  add('findings', t('complaint.findings'), str(d.findings));
  add('apology', t('reqfield.apologyVia'), d.apologyVia ? tx(`apologyVia.${str(d.apologyVia)}`, str(d.apologyVia)) : '');
  if (str(d.solution))
    add(
      'solution',
      t('reqfield.solution'),
      <span className="pre-wrap">
        {str(d.solution)}
        {'\n'}
        <Typography.Text type="secondary">
          {t('complaint.opinion')}：{str(d.complainantOpinion)}（{d.solutionAgreed ? t('complaint.agreed') : t('complaint.notAgreed')}）
        </Typography.Text>
      </span>,
    );
  add('resolution', t('reqfield.resolution'), str(d.resolution));
  add('cause', t('reqfield.cause'), str(d.cause));
  add('preventive', t('reqfield.preventive'), str(d.preventive));
  if (num(d.reopenCount))
    add(
      'reopens',
      t('complaint.reopenLabel'),
      <span data-testid="complaint-reopens">{t('complaint.reopens', { n: num(d.reopenCount) ?? 0 })}</span>,
    );
  add('leadershipDecision', t('complaint.leadershipDecision'), str(d.leadershipDecision));
  add('leadershipReport', t('complaint.leadershipReport'), str(d.leadershipReport));
  if (str(d.correctionPlan))
    add(
      'correction',
      t('complaint.correctionPlan'),
      <span className="pre-wrap">
        {str(d.correctionPlan)}
        {'\n'}
        <Typography.Text type="secondary">
          {num(d.correctionDoneAt)
            ? t('complaint.correctionDone', { at: formatDateTime(num(d.correctionDoneAt)) })
            : t('complaint.correctionDue', { at: formatDateTime(num(d.correctionDueAt)) })}
        </Typography.Text>
      </span>,
    );
  add('corrective', t('complaint.corrective'), str(d.correctiveReport));
  const reason = str(d.closeReason);
  if (reason && !r.isOpen)
    add('closeReason', t('reqfield.closeReason'), tx(`complaint.closeReason.${reason}`, tx(`reason.${reason}`, reason)));
  if (grade === 'urgent') {
    const done = emergencyDone(d.emergency);
    add(
      'emergency',
      t('complaint.emergency'),
      <ol className="checklist" data-testid="complaint-emergency">
        {EMERGENCY_STEPS.map((s) => {
          const e = done.get(s);
          return (
            <li key={s}>
              {e ? '✓' : '○'} {tx(`step.${s}`, s)}{' '}
              <Typography.Text type="secondary">
                {e ? `${formatDateTime(e.at)} ${e.by} ${e.note}` : t('complaint.emergencyTodo')}
              </Typography.Text>
            </li>
          );
        })}
      </ol>,
    );
  }
  return (
    <Card size="small" title={t('complaint.card')} className="section" data-testid="complaint-card">
      <Descriptions size="small" column={1} items={items} />
      {r.help.length > 0 ? (
        <div className="section">
          <Typography.Text strong>{t('complaint.help')}</Typography.Text>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={r.help}
            data-testid="complaint-help"
            scroll={{ x: 560 }}
            columns={[
              { title: t('complaint.help.party'), dataIndex: 'party', width: 140, render: (v: string, h) => `${h.targetLabel} · ${v}` },
              { title: t('complaint.help.matter'), dataIndex: 'matter' },
              { title: t('complaint.help.due'), dataIndex: 'dueAt', width: 140, render: (v: number) => formatDateTime(v) },
              {
                title: t('complaint.help.status'),
                dataIndex: 'status',
                width: 160,
                render: (v: string, h) =>
                  v === 'done' ? t('complaint.help.done', { at: formatDateTime(h.doneAt) }) : t('complaint.help.open', { n: h.reports }),
              },
            ]}
          />
        </div>
      ) : null}
    </Card>
  );
}
