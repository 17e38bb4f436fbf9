import { Button, Flex } from 'antd';
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
