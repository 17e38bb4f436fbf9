import { Flex } from 'antd';
import type { ReactNode } from 'react';
import { formatDateTime } from '../format';

/** The head of a printed form (work order, release slip, incident record): its title, its number on the left, a date on the right. */
export function PrintedFormHead(props: {
  title: string;
  numberLabel: string;
  number: string;
  numberTestId?: string;
  dateLabel: string;
  date: number | null;
}) {
  return (
    <>
      <h1 className="wo-title">{props.title}</h1>
      <Flex justify="space-between" className="wo-meta" wrap gap={8}>
        <span>
          {props.numberLabel}：<strong data-testid={props.numberTestId}>{props.number}</strong>
        </span>
        <span>
          {props.dateLabel}：{formatDateTime(props.date)}
        </span>
      </Flex>
    </>
  );
}

/** A printed form's grid of label and value cells, two pairs to a row. */
export function PairTable(props: { children: ReactNode }) {
  return (
    <table className="wo-table">
      <colgroup>
        <col className="wo-th-col" />
        <col />
        <col className="wo-th-col" />
        <col />
      </colgroup>
      <tbody>{props.children}</tbody>
    </table>
  );
}
