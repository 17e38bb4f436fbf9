import { LeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Skeleton } from 'antd';
import { Link, useParams } from 'react-router';
import { api } from '../../app/api';
import { PairTable, PrintedFormHead } from '../../app/components/printed-form';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import { QrCode, type ReleaseDetail, releaseKeys, spacedCode } from './release-common';
import { ReleaseStyles } from './release-styles';

/** R-FD-2: the 放行条 as the applicant carries it to the gate, on A5. */
export default function ReleasePrintPage() {
  const { id = '' } = useParams();
  const t = useT();
  const q = useQuery({ queryKey: releaseKeys.release(id), queryFn: () => api.get<ReleaseDetail>(`/api/releases/${id}`), staleTime: 0 });

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const r = q.data;
  if (r.status !== 'approved' && r.status !== 'used') return <Alert type="warning" showIcon title={t('release.print.notIssued')} />;

  return (
    <div>
      <ReleaseStyles />
      <style>{'@media print { @page { size: A5; margin: 8mm; } }'}</style>
      <Flex className="no-print work-order-toolbar" justify="space-between" align="center" gap={8} wrap>
        <Link to={`/releases/${r.id}`}>
          <LeftOutlined /> {r.number}
        </Link>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="release-print-button">
          {t('release.print')}
        </Button>
      </Flex>
      <div className="work-order release-print" data-testid="release-slip-print">
        <PrintedFormHead
          title={t('release.print.title', { project: r.projectName })}
          numberLabel={t('release.print.number')}
          number={r.number}
          dateLabel={t('release.print.issuedAt')}
          date={r.decidedAt}
        />
        <PairTable>
          <tr>
            <th>{t('release.col.unit')}</th>
            <td>{r.unitNumber}</td>
            <th>{t('release.col.plate')}</th>
            <td>{r.plate || '—'}</td>
          </tr>
          <tr>
            <th>{t('release.col.applicant')}</th>
            <td>{r.applicantName}</td>
            <th>{t('release.form.standing')}</th>
            <td>
              {t(`release.standing.${r.standing}` as MessageKey)}
              {r.company ? ` · ${r.company}` : ''}
            </td>
          </tr>
          <tr>
            <th>{t('release.col.window')}</th>
            <td colSpan={3}>
              {formatDateTime(r.validFrom)} — {formatDateTime(r.validUntil)}
            </td>
          </tr>
          <tr>
            <th>{t('release.form.reason')}</th>
            <td colSpan={3}>{r.reason}</td>
          </tr>
        </PairTable>
        <table className="wo-table wo-materials">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('release.print.item')}</th>
              <th className="wo-num">{t('release.form.quantity')}</th>
              <th>{t('release.form.itemUnit')}</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((i, n) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are the items in their order on the slip
              <tr key={n}>
                <td>{n + 1}</td>
                <td>{i.name}</td>
                <td className="wo-num">{i.quantity}</td>
                <td>{i.unit}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="release-print-qr">
          <QrCode text={r.code} size={120} testId="release-print-qr" />
          <div>
            <div>{t('release.print.code')}</div>
            <div className="release-code">{spacedCode(r.code)}</div>
            <div className="small">{t('release.print.once')}</div>
          </div>
        </div>
        <table className="wo-table" style={{ marginTop: 8 }}>
          <tbody>
            <tr>
              <th style={{ width: '18%' }}>{t('release.print.approvedBy')}</th>
              <td>{r.decidedBy ?? ''}</td>
              <th style={{ width: '18%' }}>{t('release.print.guard')}</th>
              <td className="wo-tall">{r.usedAt ? `${r.usedBy ?? ''} ${formatDateTime(r.usedAt)}` : ''}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
