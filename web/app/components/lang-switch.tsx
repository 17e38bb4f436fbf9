import { Segmented } from 'antd';
import { type Lang, useI18n } from '../i18n';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Segmented<Lang>
      size="small"
      value={lang}
      onChange={setLang}
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      options={[
        { value: 'zh-CN', label: t('lang.zh') },
        { value: 'en', label: t('lang.en') },
      ]}
    />
  );
}
