import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { en } from './en';
import { zhCN } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
export type MessageKey = keyof typeof zhCN;
export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

const DICTS: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'wuye.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage may be disabled (private mode); fall back to the default
  }
  return 'zh-CN';
}

function interpolate(text: string, vars?: Vars): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** For keys built from server data (an audit action, a status): the fallback when the dictionary has none. */
  tx(key: string, fallback: string, vars?: Vars): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // the choice then lasts only for this page
    }
  }, []);
  const t = useCallback<Translate>((key, vars) => interpolate(DICTS[lang][key] ?? key, vars), [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = DICTS[lang]['app.title'];
  }, [lang]);
  const tx = useCallback(
    (key: string, fallback: string, vars?: Vars) => {
      const dict = DICTS[lang] as Record<string, string>;
      return key in dict ? interpolate(dict[key], vars) : fallback;
    },
    [lang],
  );
  const value = useMemo(() => ({ lang, setLang, t, tx }), [lang, setLang, t, tx]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}

export function useT(): Translate {
  return useI18n().t;
}

export function useTx(): { tx: I18n['tx']; t: Translate } {
  const { tx, t } = useI18n();
  return { tx, t };
}
