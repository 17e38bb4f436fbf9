import { CheckOutlined, ClearOutlined } from '@ant-design/icons';
import { Button, Flex } from 'antd';
import { type PointerEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useT } from '../i18n';

/** Sharper strokes on high-density screens, without a picture too heavy to send from a phone. */
const MAX_SCALE = 2;

interface Point {
  x: number;
  y: number;
}

/**
 * A box to sign in with a finger, a stylus or a mouse (pointer events cover all three).
 * The signature is exported as a PNG data URL; confirming an empty box is not possible.
 */
export function SignaturePad(props: {
  onConfirm: (dataUrl: string) => unknown;
  height?: number;
  busy?: boolean;
  disabled?: boolean;
  confirmText?: string;
  testId?: string;
}) {
  const t = useT();
  const { height = 200, busy, disabled, onConfirm } = props;
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const last = useRef<Point | null>(null);
  const activePointer = useRef<number | null>(null);
  const [empty, setEmpty] = useState(true);

  const context = useCallback(() => canvasRef.current?.getContext('2d') ?? null, []);

  /** Sizes the drawing buffer to the box on screen; a resize clears the box (a stretched signature is no signature). */
  const fitToBox = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const scale = Math.min(window.devicePixelRatio || 1, MAX_SCALE);
    const { width } = canvas.getBoundingClientRect();
    const w = Math.round(width * scale);
    const h = Math.round(height * scale);
    if (canvas.width === w && canvas.height === h) return;
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 2.5;
    setEmpty(true);
  }, [height]);

  useEffect(() => {
    fitToBox();
    const canvas = canvasRef.current;
    if (!canvas || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => fitToBox());
    ro.observe(canvas);
    return () => ro.disconnect();
  }, [fitToBox]);

  const pointOf = (e: PointerEvent<HTMLCanvasElement>): Point => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (disabled || busy || activePointer.current !== null) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    activePointer.current = e.pointerId;
    const p = pointOf(e);
    last.current = p;
    const ctx = context();
    if (!ctx) return;
    // A tap is a dot.
    ctx.beginPath();
    ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, Math.PI * 2);
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fill();
    setEmpty(false);
  };

  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (activePointer.current !== e.pointerId || !last.current) return;
    e.preventDefault();
    const ctx = context();
    if (!ctx) return;
    // Coalesced events keep fast strokes smooth where the browser batches them.
    const native = e.nativeEvent;
    const events = typeof native.getCoalescedEvents === 'function' ? native.getCoalescedEvents() : [];
    const r = e.currentTarget.getBoundingClientRect();
    const points = events.length ? events.map((c) => ({ x: c.clientX - r.left, y: c.clientY - r.top })) : [pointOf(e)];
    ctx.beginPath();
    ctx.moveTo(last.current.x, last.current.y);
    for (const p of points) ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last.current = points[points.length - 1] ?? last.current;
  };

  const onUp = (e: PointerEvent<HTMLCanvasElement>) => {
    if (activePointer.current !== e.pointerId) return;
    activePointer.current = null;
    last.current = null;
  };

  const clear = () => {
    const canvas = canvasRef.current;
    const ctx = context();
    if (!canvas || !ctx) return;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
    setEmpty(true);
  };

  const confirm = () => {
    const canvas = canvasRef.current;
    if (!canvas || empty) return;
    onConfirm(canvas.toDataURL('image/png'));
  };

  return (
    <div className="signature-pad" data-testid={props.testId ?? 'signature-pad'}>
      <canvas
        ref={canvasRef}
        className="signature-canvas"
        style={{ height }}
        aria-label={t('tech.sign.area')}
        data-empty={empty ? 'true' : 'false'}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onLostPointerCapture={onUp}
      />
      <Flex gap={8} className="signature-actions">
        <Button icon={<ClearOutlined />} onClick={clear} disabled={empty || busy || disabled} data-testid="signature-clear">
          {t('tech.sign.clear')}
        </Button>
        <Button
          type="primary"
          icon={<CheckOutlined />}
          onClick={confirm}
          disabled={empty || disabled}
          loading={busy}
          style={{ flex: 1 }}
          data-testid="signature-confirm"
        >
          {props.confirmText ?? t('tech.sign.confirm')}
        </Button>
      </Flex>
    </div>
  );
}
