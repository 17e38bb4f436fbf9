import { Flex, Typography } from 'antd';
import type { ReactNode } from 'react';

export function PageHeader(props: { title: ReactNode; sub?: ReactNode; extra?: ReactNode; testId?: string }) {
  return (
    <Flex className="page-header" justify="space-between" align="center" wrap gap={12}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid={props.testId}>
          {props.title}
        </Typography.Title>
        {props.sub ? <Typography.Text type="secondary">{props.sub}</Typography.Text> : null}
      </div>
      {props.extra ? (
        <Flex gap={8} wrap>
          {props.extra}
        </Flex>
      ) : null}
    </Flex>
  );
}
