import { MessageOutlined } from '@ant-design/icons';
import { Card, Empty, Skeleton, Typography } from 'antd';
import { Fragment } from 'react';
import { usePhrases } from '../../app/data';
import { useTx } from '../../app/i18n';
import type { Channel, Kind, PhraseScenario } from '../../app/types';

/**
 * R-IN-5: which scripts the receptionist needs for what is being registered. The kind
 * scenarios carry the same names as the kinds; a complaint's script depends on whether
 * the complainant is on the phone or at the counter. The read-back always applies.
 */
export function scenariosFor(channel: Channel | undefined, kind: Kind | undefined): PhraseScenario[] {
  const out: PhraseScenario[] = [];
  if (channel === 'phone') out.push('answer_phone');
  else if (channel === 'counter') out.push('counter_greeting');
  if (kind === 'complaint') out.push(channel === 'phone' ? 'phone_complaint' : 'counter_complaint');
  else if (kind) out.push(kind);
  out.push('read_back');
  return out;
}

/** What a blank asks for, read from the words just before it ("房号**", "电话**", "反映的是**"). */
export interface PhraseFills {
  unit?: string;
  phone?: string;
  name?: string;
  content?: string;
}

function fillFor(before: string, fills: PhraseFills): string | undefined {
  const cue = before.slice(-6);
  if (/房号|房屋/.test(cue)) return fills.unit;
  if (/电话|手机|号码/.test(cue)) return fills.phone;
  if (/姓名|贵姓|称呼/.test(cue)) return fills.name;
  if (/反映|事项|问题是|说的是/.test(cue)) return fills.content;
  return undefined;
}

/**
 * `**` in a script marks what the receptionist says in their own words (a name, a time).
 * With `fills`, blanks whose cue is recognised show the value to say; the others stay blank.
 */
export function PhraseText({ text, fills }: { text: string; fills?: PhraseFills }) {
  const parts = text.split('**');
  return (
    <>
      {parts.map((p, i) => {
        const value = i < parts.length - 1 && fills ? fillFor(p, fills) : undefined;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: the pieces of one fixed string never move
          <Fragment key={i}>
            {p}
            {i < parts.length - 1 ? <span className={value ? 'phrase-filled' : 'phrase-blank'}>{value || '＿＿'}</span> : null}
          </Fragment>
        );
      })}
    </>
  );
}

export function PhrasePanel({ scenarios, title }: { scenarios: PhraseScenario[]; title?: string }) {
  const { t, tx } = useTx();
  const phrases = usePhrases();
  return (
    <Card
      size="small"
      className="phrase-panel"
      data-testid="phrase-panel"
      title={
        <span>
          <MessageOutlined /> {title ?? t('phrases.panelTitle')}
        </span>
      }
    >
      {phrases.isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : phrases.isError ? (
        <Typography.Text type="danger">{t('error.loadFailed')}</Typography.Text>
      ) : (
        scenarios.map((s) => {
          const list = (phrases.data ?? []).filter((p) => p.scenario === s);
          return (
            <section key={s} className="phrase-section" data-scenario={s}>
              <Typography.Text type="secondary" className="phrase-scenario">
                {tx(`scenario.${s}`, s)}
              </Typography.Text>
              {list.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('phrases.none')} />
              ) : (
                list.map((p) => (
                  <div key={p.id} className="phrase" data-testid="phrase">
                    <div className="phrase-title">{p.title}</div>
                    <div className="phrase-text">
                      <PhraseText text={p.text} />
                    </div>
                  </div>
                ))
              )}
            </section>
          );
        })
      )}
    </Card>
  );
}
