import { Alert, Button, Empty, Flex, Skeleton } from 'antd';
import { errorText } from '../forms';
import { useT } from '../i18n';

export function LoadMore(props: { hasMore: boolean; loading: boolean; onLoad(): void; count: number }) {
  const t = useT();
  return (
    <Flex justify="center" style={{ marginTop: 16 }}>
      {props.hasMore ? (
        <Button onClick={props.onLoad} loading={props.loading}>
          {t('common.loadMore')}
        </Button>
      ) : props.count > 0 ? (
        <span className="muted">{t('common.allLoaded', { n: props.count })}</span>
      ) : null}
    </Flex>
  );
}

/** What a paged list shows before or instead of its rows: its error, a skeleton while the first page loads, or that there is nothing (rows, when there are some, follow it). */
export function ListStatus(props: { list: { isError: boolean; error: unknown; isPending: boolean; items: unknown[] }; empty: string }) {
  const t = useT();
  const { list } = props;
  return (
    <>
      {list.isError ? <Alert type="error" showIcon title={errorText(list.error, t)} /> : null}
      {list.isPending ? <Skeleton active /> : null}
      {!list.isPending && !list.isError && list.items.length === 0 ? <Empty description={props.empty} /> : null}
    </>
  );
}
