import { LeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Flex, Segmented, Skeleton } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../app/api';
import { PairTable, PrintedFormHead } from '../../app/components/printed-form';
import { ChannelText } from '../../app/components/request-tags';
import { keys } from '../../app/data';
import { formatDateTime, formatYuan } from '../../app/format';
import { errorText } from '../../app/forms';
import { useTx } from '../../app/i18n';
import { lineFen, materialsFen, repairOf } from '../../app/repair-detail';
import type { RequestDetail, RequestEvent } from '../../app/types';

type PaperSize = 'A4' | 'A5';
const SIZE_KEY = 'wuye.workOrder.size';

function savedSize(): PaperSize {
  try {
    return localStorage.getItem(SIZE_KEY) === 'A5' ? 'A5' : 'A4';
  } catch {
    return 'A4';
  }
}

const lastEvent = (history: RequestEvent[], types: string[]) => [...history].reverse().find((e) => types.includes(e.type));

const noteOf = (e: RequestEvent | undefined): string => {
  const d = e?.data;
  return d && typeof d === 'object' && 'note' in d && typeof d.note === 'string' ? d.note : '';
};

/** R-RP-4: the 维修工作单 as the technician carries it and the office files it, on A4 or A5. */
export default function WorkOrderPrintPage() {
  const { id = '' } = useParams();
  const { t, tx } = useTx();
  const [size, setSize] = useState<PaperSize>(savedSize);
  const q = useQuery({ queryKey: keys.request(id), queryFn: () => api.get<RequestDetail>(`/api/requests/${id}`), staleTime: 0 });

  const choose = (s: PaperSize) => {
    setSize(s);
    try {
      localStorage.setItem(SIZE_KEY, s);
    } catch {
      // the choice then lasts only for this page
    }
  };

  if (q.isPending) return <Skeleton active />;
  if (q.isError) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const r = q.data;
  if (r.kind !== 'repair') return <Alert type="warning" showIcon title={t('workOrder.notRepair')} />;
  const rp = repairOf(r);
  const dash = (v: string | null | undefined) => (v ? v : '—');
  const at = (ms: number | null | undefined) => dash(formatDateTime(ms));
  const dispatched = lastEvent(r.history, ['dispatch', 'take', 'transfer']);
  const completed = lastEvent(r.history, ['complete']);
  const absent = lastEvent(r.history, ['resident_absent']);
  const materialsTotal = materialsFen(rp.materials);
  const total = materialsTotal + rp.labourFen;
  const charge = rp.paid ? t('workOrder.paid', { price: rp.quotedFen !== null ? formatYuan(rp.quotedFen) : '—' }) : t('workOrder.free');
  const confirmedBy = lastEvent(r.history, ['confirm']);
  const confirmed = rp.confirmedAt
    ? [
        formatDateTime(rp.confirmedAt),
        rp.confirmedVia ? tx(`workOrder.via.${rp.confirmedVia}`, rp.confirmedVia) : '',
        confirmedBy?.actor ?? '',
      ]
        .filter(Boolean)
        .join(' · ')
    : t('workOrder.notConfirmed');

  return (
    <div className="work-order-page">
      {/* A later rule of equal weight wins: this replaces the console's default A4 while the page is open. */}
      <style>{`@media print { @page { size: ${size}; margin: ${size === 'A5' ? '8mm' : '12mm'}; } }`}</style>
      <Flex className="no-print work-order-toolbar" justify="space-between" align="center" gap={8} wrap>
        <Link to={`/requests/${r.id}`}>
          <LeftOutlined /> {r.number}
        </Link>
        <Flex gap={8} align="center" wrap>
          <Segmented<PaperSize>
            value={size}
            onChange={choose}
            options={[
              { value: 'A4', label: 'A4' },
              { value: 'A5', label: 'A5' },
            ]}
            aria-label={t('workOrder.paper')}
            data-testid="print-size"
          />
          <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="work-order-print">
            {t('workOrder.printButton')}
          </Button>
        </Flex>
      </Flex>

      <div className={`work-order wo-${size}`} data-testid="work-order" data-size={size}>
        <PrintedFormHead
          title={t('workOrder.title', { project: r.projectName })}
          numberLabel={t('workOrder.number')}
          number={r.number}
          numberTestId="work-order-number"
          dateLabel={t('workOrder.registeredAt')}
          date={r.createdAt}
        />

        <PairTable>
          <tr>
            <th>{t('workOrder.unit')}</th>
            <td>{dash([r.unitNumber, r.location].filter(Boolean).join(' '))}</td>
            <th>{t('workOrder.requester')}</th>
            <td>{dash(r.requesterName)}</td>
          </tr>
          <tr>
            <th>{t('workOrder.contact')}</th>
            <td>{dash(r.requesterPhone)}</td>
            <th>{t('workOrder.channel')}</th>
            <td>
              <ChannelText channel={r.channel} />
            </td>
          </tr>
          <tr>
            <th>{t('workOrder.category')}</th>
            <td>{dash(r.categoryPath)}</td>
            <th>{t('workOrder.scope')}</th>
            <td>{tx(`workOrder.scope.${rp.scope}`, rp.scope)}</td>
          </tr>
          <tr>
            <th>{t('workOrder.content')}</th>
            <td colSpan={3} className="pre-wrap" data-testid="work-order-content">
              {r.content}
            </td>
          </tr>
          <tr>
            <th>{t('workOrder.charge')}</th>
            <td data-testid="work-order-charge">{charge}</td>
            <th>{t('workOrder.agreedAt')}</th>
            <td>{rp.paid ? at(rp.agreedAt) : '—'}</td>
          </tr>
          {rp.assessment ? (
            <tr>
              <th>{t('workOrder.assessment')}</th>
              <td colSpan={3}>{rp.assessment}</td>
            </tr>
          ) : null}
          <tr>
            <th>{t('workOrder.preferredTime')}</th>
            <td>{dash(r.preferredTime)}</td>
            <th>{t('workOrder.appointment')}</th>
            <td data-testid="work-order-appointment">{at(rp.appointmentAt)}</td>
          </tr>
          <tr>
            <th>{t('workOrder.technician')}</th>
            <td data-testid="work-order-technician">{dash(r.assigneeName)}</td>
            <th>{t('workOrder.dispatchedAt')}</th>
            <td>{at(dispatched?.at)}</td>
          </tr>
          <tr>
            <th>{t('workOrder.acceptedAt')}</th>
            <td>{at(rp.acceptedAt)}</td>
            <th>{t('workOrder.arrivedAt')}</th>
            <td>{at(rp.arrivedAt)}</td>
          </tr>
          <tr>
            <th>{t('workOrder.completedAt')}</th>
            <td>{at(rp.completedAt)}</td>
            <th>{t('workOrder.status')}</th>
            <td>{tx(`status.${r.kind}.${r.status}`, r.statusLabel)}</td>
          </tr>
          <tr>
            <th>{t('workOrder.findings')}</th>
            <td colSpan={3} className="pre-wrap wo-tall">
              {rp.findings}
            </td>
          </tr>
        </PairTable>

        <table className="wo-table wo-materials" data-testid="work-order-materials">
          <thead>
            <tr>
              <th className="wo-num">#</th>
              <th>{t('workOrder.material')}</th>
              <th className="wo-num">{t('workOrder.quantity')}</th>
              <th className="wo-num">{t('workOrder.materialUnit')}</th>
              <th className="wo-num">{t('workOrder.unitPrice')}</th>
              <th className="wo-num">{t('workOrder.amount')}</th>
            </tr>
          </thead>
          <tbody>
            {rp.materials.length ? (
              rp.materials.map((m) => (
                <tr key={m.line} data-testid="work-order-material">
                  <td className="wo-num">{m.line}</td>
                  <td>{m.name}</td>
                  <td className="wo-num">{m.quantity}</td>
                  <td className="wo-num">{m.unit}</td>
                  <td className="wo-num">{formatYuan(m.priceFen)}</td>
                  <td className="wo-num">{formatYuan(lineFen(m))}</td>
                </tr>
              ))
            ) : (
              <tr>
                <td colSpan={6} className="wo-empty">
                  {t('workOrder.noMaterials')}
                </td>
              </tr>
            )}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={5}>{t('workOrder.materialsTotal')}</th>
              <td className="wo-num">{formatYuan(materialsTotal)}</td>
            </tr>
            <tr>
              <th colSpan={5}>{t('workOrder.labour')}</th>
              <td className="wo-num" data-testid="work-order-labour">
                {formatYuan(rp.labourFen)}
              </td>
            </tr>
            <tr>
              <th colSpan={5}>{t('workOrder.total')}</th>
              <td className="wo-num" data-testid="work-order-total">
                <strong>{formatYuan(total)}</strong>
              </td>
            </tr>
            <tr>
              <th colSpan={5}>{t('workOrder.feeCollected')}</th>
              <td className="wo-num" data-testid="work-order-fee">
                {formatYuan(rp.feeCollectedFen)}
              </td>
            </tr>
          </tfoot>
        </table>

        <PairTable>
          {noteOf(completed) ? (
            <tr>
              <th>{t('workOrder.note')}</th>
              <td colSpan={3} className="pre-wrap">
                {noteOf(completed)}
              </td>
            </tr>
          ) : null}
          <tr>
            <th>{t('workOrder.signature')}</th>
            <td className="wo-signature-cell">
              {rp.signatureFileId ? (
                <img
                  src={`/api/files/${rp.signatureFileId}`}
                  alt={t('workOrder.signature')}
                  className="wo-signature"
                  data-testid="work-order-signature"
                />
              ) : absent ? (
                <span>{t('workOrder.residentAbsent', { note: noteOf(absent) })}</span>
              ) : null}
            </td>
            <th>{t('workOrder.signedAt')}</th>
            <td>{at(rp.signedAt)}</td>
          </tr>
          <tr>
            <th>{t('workOrder.confirmation')}</th>
            <td colSpan={3} data-testid="work-order-confirmation">
              {confirmed}
            </td>
          </tr>
        </PairTable>
        <div className="wo-footer">{t('workOrder.printedAt', { at: formatDateTime(Date.now()) })}</div>
      </div>
    </div>
  );
}
