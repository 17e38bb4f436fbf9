import { AccountBookOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, Grid } from 'antd';
import { useState } from 'react';
import { usePriceItems, useWarranty } from '../../app/data';
import { errorText } from '../../app/forms';
import { useT } from '../../app/i18n';
import type { RepairScope } from '../../app/types';
import { PriceTable } from '../settings/price-table';

interface WarrantyNoticeProps {
  unitId: string;
  projectId: string;
  projectName: string;
  scope: RepairScope;
  categoryId: string;
  /** The chosen category's own name: price items of the same category are marked in the drawer. */
  categoryName: string;
}

/**
 * Tells the receptionist, while the resident is still there, whether this repair is free
 * (under warranty, or a common facility) or paid, and for a paid one opens the project's
 * price list to quote from (收费标准明示). Advice only: nothing of it is saved with the request.
 */
export function WarrantyNotice(props: WarrantyNoticeProps) {
  const t = useT();
  const [pricesOpen, setPricesOpen] = useState(false);
  const isPhone = Grid.useBreakpoint().md === false;
  const warranty = useWarranty(props.unitId, props.scope, props.categoryId);
  // Loaded only once the drawer is opened: most repairs are quoted without it.
  const prices = usePriceItems(pricesOpen ? props.projectId : undefined);
  const w = warranty.data;

  if (warranty.isError) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('intake.warrantyFailed', { error: errorText(warranty.error, t) })}
        style={{ marginBottom: 16 }}
        data-testid="intake-warranty"
      />
    );
  }
  if (!w) return null;

  const title = w.paid ? t('intake.warrantyPaid') : w.inWarranty ? t('intake.warrantyFree') : t('intake.commonFree');
  const handover =
    props.scope === 'common' ? null : w.handoverDate ? t('intake.handoverDate', { date: w.handoverDate }) : t('intake.handoverUnknown');
  const marked = prices.data?.some((p) => p.category === props.categoryName) ?? false;

  return (
    <>
      <Alert
        type={w.paid ? 'warning' : 'success'}
        showIcon
        title={title}
        description={
          <>
            <div>{w.reason}</div>
            {handover ? <div className="muted">{handover}</div> : null}
          </>
        }
        action={
          w.paid ? (
            <Button icon={<AccountBookOutlined />} onClick={() => setPricesOpen(true)} data-testid="intake-show-prices">
              {t('intake.showPrices')}
            </Button>
          ) : undefined
        }
        style={{ marginBottom: 16 }}
        data-testid="intake-warranty"
        data-paid={w.paid}
      />
      <Drawer
        title={t('prices.drawerTitle', { project: props.projectName })}
        open={pricesOpen}
        onClose={() => setPricesOpen(false)}
        size={isPhone ? '100%' : 720}
        data-testid="intake-prices-drawer"
      >
        {marked ? (
          <Alert type="info" showIcon title={t('prices.drawerHint', { category: props.categoryName })} style={{ marginBottom: 12 }} />
        ) : null}
        {prices.isError ? <Alert type="error" showIcon title={errorText(prices.error, t)} style={{ marginBottom: 12 }} /> : null}
        <PriceTable items={prices.data} loading={prices.isPending} highlightCategory={props.categoryName} />
      </Drawer>
    </>
  );
}
