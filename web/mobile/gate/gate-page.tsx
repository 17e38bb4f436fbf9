import { CameraOutlined, CheckCircleFilled, CloseCircleFilled, PictureOutlined, ScanOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Empty, Flex, Input, List, Tag, Typography } from 'antd';
import jsQR from 'jsqr';
import { type ChangeEvent, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../../app/api';
import { formatDateTime } from '../../app/format';
import { errorText } from '../../app/forms';
import { type MessageKey, useT } from '../../app/i18n';
import type { Page } from '../../app/types';
import {
  type GateCheck,
  type GateRelease,
  type GateUse,
  ItemsText,
  type MyCheck,
  releaseKeys,
  spacedCode,
  windowText,
} from '../../pages/frontdesk/release-common';

type Reason = NonNullable<GateCheck['reason']>;

/** What the guard sees: the server's answer, or the slip just let through. */
type Verdict =
  | { kind: 'check'; result: GateCheck }
  | { kind: 'used'; release: GateRelease; code: string }
  | { kind: 'refused'; reason: Reason; code: string; release: GateRelease | null };

const REASON_BY_CODE: Record<string, Reason> = {
  release_expired: 'expired',
  release_not_yet_valid: 'not_yet_valid',
  release_refused: 'refused',
  release_pending: 'pending',
};

/**
 * Finds a QR code in a picture. A phone photo is large and the code may fill little of it:
 * it is tried at a few sizes, larger first, as scaling down also smooths out moiré from a
 * photographed screen.
 */
async function decodeImage(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    for (const max of [1600, 1000, 600]) {
      const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
      const w = Math.max(1, Math.round(bitmap.width * scale));
      const h = Math.max(1, Math.round(bitmap.height * scale));
      canvas.width = w;
      canvas.height = h;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, w, h);
      ctx.drawImage(bitmap, 0, 0, w, h);
      const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'attemptBoth' });
      if (found?.data) return found.data;
      if (scale === 1) break;
    }
    return null;
  } finally {
    bitmap.close();
  }
}

/** The live camera: frames are decoded on a small canvas until a code is found. */
function Scanner({ onCode, onClose }: { onCode(code: string): void; onClose(): void }) {
  const t = useT();
  const { message } = App.useApp();
  const video = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let frame = 0;
    let stopped = false;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const stop = () => {
      stopped = true;
      cancelAnimationFrame(frame);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
    const tick = () => {
      if (stopped) return;
      const v = video.current;
      if (v && ctx && v.readyState >= v.HAVE_ENOUGH_DATA && v.videoWidth) {
        const scale = Math.min(1, 640 / Math.max(v.videoWidth, v.videoHeight));
        const w = Math.round(v.videoWidth * scale);
        const h = Math.round(v.videoHeight * scale);
        canvas.width = w;
        canvas.height = h;
        ctx.drawImage(v, 0, 0, w, h);
        const found = jsQR(ctx.getImageData(0, 0, w, h).data, w, h, { inversionAttempts: 'dontInvert' });
        if (found?.data) {
          stop();
          onCode(found.data);
          return;
        }
      }
      frame = requestAnimationFrame(tick);
    };
    (async () => {
      try {
        if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera');
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
        if (stopped) {
          stop();
          return;
        }
        const v = video.current;
        if (!v) return;
        v.srcObject = stream;
        await v.play();
        setReady(true);
        frame = requestAnimationFrame(tick);
      } catch {
        message.error(t('gate.cameraFailed'));
        onClose();
      }
    })();
    return stop;
  }, [onCode, onClose, message, t]);

  return (
    <Card size="small" data-testid="gate-scanner">
      <video ref={video} className="gate-video" playsInline muted data-testid="gate-video" />
      <Flex justify="space-between" align="center" style={{ marginTop: 8 }}>
        <Typography.Text type="secondary">{ready ? t('gate.aim') : t('gate.cameraStarting')}</Typography.Text>
        <Button onClick={onClose} data-testid="gate-scan-stop">
          {t('gate.stop')}
        </Button>
      </Flex>
    </Card>
  );
}

function SlipFacts({ r }: { r: GateRelease }) {
  const t = useT();
  return (
    <div className="gate-verdict-body" data-testid="gate-slip">
      <Flex justify="space-between" wrap gap={8}>
        <span data-testid="gate-number">{r.number}</span>
        <span>
          {r.projectName} {r.unit}
        </span>
      </Flex>
      <div>
        {r.applicantName} · {t(`release.standing.${r.standing}` as MessageKey)}
        {r.company ? ` · ${r.company}` : ''}
      </div>
      {r.plate ? (
        <div className="gate-plate" data-testid="gate-plate">
          {r.plate}
        </div>
      ) : null}
      <div data-testid="gate-window">{windowText(r.validFrom, r.validUntil)}</div>
      <ItemsText items={r.items} />
      {r.usedAt ? <div data-testid="gate-used-at">{t('gate.usedAt', { at: formatDateTime(r.usedAt) })}</div> : null}
    </div>
  );
}

function VerdictCard({ v, onUse, using, onNext }: { v: Verdict; onUse(code: string): void; using: boolean; onNext(): void }) {
  const t = useT();
  const valid = v.kind === 'check' ? v.result.valid : v.kind === 'used';
  const reason: Reason | undefined = v.kind === 'check' ? v.result.reason : v.kind === 'refused' ? v.reason : undefined;
  const release = v.kind === 'check' ? v.result.release : v.release;
  const code = v.kind === 'check' ? v.result.code : v.code;
  return (
    <div
      className={`gate-verdict ${valid ? 'gate-verdict-valid' : 'gate-verdict-invalid'}`}
      data-testid="gate-verdict"
      data-valid={valid ? 'true' : 'false'}
      data-reason={reason ?? ''}
      data-used={v.kind === 'used' ? 'true' : 'false'}
    >
      <div className="gate-verdict-title">
        {valid ? <CheckCircleFilled /> : <CloseCircleFilled />}{' '}
        {v.kind === 'used' ? t('gate.released') : valid ? t('gate.valid') : t('gate.invalid')}
      </div>
      {reason ? (
        <div className="gate-verdict-reason" data-testid="gate-reason">
          {t(`gate.reason.${reason}` as MessageKey)}
        </div>
      ) : null}
      {code ? <div className="gate-verdict-reason">{code.length === 8 ? spacedCode(code) : code}</div> : null}
      {release ? <SlipFacts r={release} /> : null}
      {v.kind === 'check' && v.result.valid ? (
        <Button block size="large" className="gate-confirm" loading={using} onClick={() => onUse(v.result.code)} data-testid="gate-confirm">
          {t('gate.confirm')}
        </Button>
      ) : null}
      <Button block ghost style={{ marginTop: 12 }} onClick={onNext} data-testid="gate-next">
        {t('gate.next')}
      </Button>
    </div>
  );
}

/** R-FD-2: the guard checks a slip by camera, by photo or by typing its code, and lets it through once. */
export default function GatePage() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const photo = useRef<HTMLInputElement>(null);
  const [scanning, setScanning] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [using, setUsing] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const recent = useQuery({
    queryKey: releaseKeys.checks,
    queryFn: () => api.get<Page<MyCheck>>('/api/release-checks', { limit: 10 }),
  });

  const check = useCallback(
    async (raw: string) => {
      setBusy(true);
      try {
        const result = await api.post<GateCheck>('/api/releases/check', { code: raw });
        setVerdict({ kind: 'check', result });
        setTyped('');
      } catch (e) {
        message.error(errorText(e, t));
      } finally {
        setBusy(false);
        qc.invalidateQueries({ queryKey: releaseKeys.checks });
      }
    },
    [message, t, qc],
  );

  const use = async (code: string) => {
    setUsing(true);
    try {
      const r = await api.post<GateUse>('/api/releases/use', { code });
      setVerdict({ kind: 'used', release: r.release, code });
    } catch (e) {
      if (e instanceof ApiError && (e.status === 409 || e.status === 422 || e.status === 404)) {
        const reason: Reason = e.status === 409 ? 'used' : e.status === 404 ? 'unknown' : (REASON_BY_CODE[e.code] ?? 'unknown');
        setVerdict({ kind: 'refused', reason, code, release: verdict?.kind === 'check' ? verdict.result.release : null });
      } else message.error(errorText(e, t));
    } finally {
      setUsing(false);
      qc.invalidateQueries({ queryKey: releaseKeys.checks });
    }
  };

  const onScanned = useCallback(
    (code: string) => {
      setScanning(false);
      check(code);
    },
    [check],
  );
  const closeScanner = useCallback(() => setScanning(false), []);

  const onPhoto = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    setBusy(true);
    let code: string | null = null;
    try {
      code = await decodeImage(file);
    } catch {
      code = null;
    }
    setBusy(false);
    if (!code) {
      message.warning(t('gate.noQr'));
      return;
    }
    check(code);
  };

  return (
    <Flex vertical gap={12} data-testid="gate-page">
      {verdict ? (
        <VerdictCard v={verdict} onUse={use} using={using} onNext={() => setVerdict(null)} />
      ) : (
        <>
          {scanning ? (
            <Scanner onCode={onScanned} onClose={closeScanner} />
          ) : (
            <Button
              type="primary"
              block
              className="gate-scan"
              icon={<ScanOutlined />}
              onClick={() => setScanning(true)}
              data-testid="gate-scan"
            >
              {t('gate.scan')}
            </Button>
          )}
          <Button
            block
            size="large"
            icon={<CameraOutlined />}
            loading={busy}
            onClick={() => photo.current?.click()}
            data-testid="gate-photo"
          >
            {t('gate.photo')}
          </Button>
          <input
            ref={photo}
            type="file"
            accept="image/*"
            capture="environment"
            style={{ display: 'none' }}
            onChange={onPhoto}
            data-testid="gate-photo-input"
          />
          <Card size="small" title={t('gate.typeCode')}>
            <Flex gap={8}>
              <Input
                size="large"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                onPressEnter={() => typed.trim() && check(typed)}
                placeholder={t('gate.codePlaceholder')}
                maxLength={40}
                autoCapitalize="characters"
                autoComplete="off"
                data-testid="gate-code-input"
              />
              <Button
                size="large"
                type="primary"
                disabled={!typed.trim()}
                loading={busy}
                onClick={() => check(typed)}
                data-testid="gate-check"
              >
                {t('gate.check')}
              </Button>
            </Flex>
          </Card>
        </>
      )}
      <Card size="small" title={t('gate.recent')} data-testid="gate-recent">
        {recent.data?.items.length ? (
          <List
            size="small"
            dataSource={recent.data.items}
            renderItem={(c) => (
              <List.Item data-testid="gate-recent-item" data-result={c.result}>
                <Flex justify="space-between" style={{ width: '100%' }} gap={8} wrap>
                  <span>
                    {formatDateTime(c.at).slice(11)} · {c.number ?? (c.code.length === 8 ? spacedCode(c.code) : c.code || '—')}
                    {c.unit ? ` · ${c.unit}` : ''}
                  </span>
                  <Tag color={c.valid ? 'success' : 'error'}>
                    {c.valid && c.kind === 'use' ? t('gate.released') : t(`gate.reason.${c.valid ? 'ok' : c.result}` as MessageKey)}
                  </Tag>
                </Flex>
              </List.Item>
            )}
          />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('gate.noRecent')} />
        )}
      </Card>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        <PictureOutlined /> {t('gate.hint')}
      </Typography.Text>
    </Flex>
  );
}
