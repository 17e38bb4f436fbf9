import { Flex, Tag } from 'antd';

export interface Chip {
  value: string;
  label: string;
}

/** One choice out of a few, as tappable chips; tapping the chosen one again clears it. */
export function ChipSelect({
  options,
  value,
  onChange,
  testId,
}: {
  options: Chip[];
  value?: string;
  onChange?: (value: string | undefined) => void;
  testId?: string;
}) {
  return (
    <Flex wrap gap={8} className="ra-chips" data-testid={testId}>
      {options.map((o) => (
        <Tag.CheckableTag key={o.value} checked={value === o.value} onChange={(on) => onChange?.(on ? o.value : undefined)}>
          {o.label}
        </Tag.CheckableTag>
      ))}
    </Flex>
  );
}
