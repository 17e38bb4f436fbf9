/**
 * Styles of the release pages, the slip and the gate. The console's stylesheet is linked from
 * index.html; these come with the pages that use them, so the chunk that draws a slip carries them.
 */
const CSS = `
/* Goods release: the slip, the items list, the gate's verdict. */
.release-qr {
  display: flex;
  align-items: center;
  justify-content: center;
  background: #fff;
}

.release-qr img {
  image-rendering: pixelated;
}

.release-code {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 28px;
  font-weight: 700;
  letter-spacing: 4px;
  text-align: center;
}

.release-items {
  list-style: none;
  margin: 0;
  padding: 0;
}

.release-items li {
  display: flex;
  justify-content: space-between;
  gap: 12px;
  padding: 2px 0;
  border-bottom: 1px dashed #e5e7eb;
}

.release-items li:last-child {
  border-bottom: none;
}

.release-qty {
  font-variant-numeric: tabular-nums;
  white-space: nowrap;
}

.release-slip-card {
  text-align: center;
}

.release-slip-card .release-qr {
  margin: 8px auto;
}

.release-slip-dim {
  opacity: 0.35;
}

/* The guard's phone (/g) */
.gate-content {
  padding: 12px 12px 40px;
  max-width: 560px;
  width: 100%;
  margin: 0 auto;
}

.gate-scan.ant-btn {
  height: 96px;
  font-size: 24px;
  font-weight: 600;
}

.gate-video {
  width: 100%;
  border-radius: 8px;
  background: #000;
}

.gate-verdict {
  border-radius: 12px;
  padding: 16px;
  color: #fff;
}

.gate-verdict-valid {
  background: #389e0d;
}

.gate-verdict-invalid {
  background: #cf1322;
}

.gate-verdict-title {
  font-size: 30px;
  font-weight: 700;
  text-align: center;
}

.gate-verdict-reason {
  font-size: 20px;
  text-align: center;
}

.gate-verdict .release-items li {
  border-bottom-color: rgba(255, 255, 255, 0.35);
}

.gate-verdict-body {
  margin-top: 12px;
  background: rgba(255, 255, 255, 0.12);
  border-radius: 8px;
  padding: 10px 12px;
  font-size: 16px;
}

.gate-plate {
  font-size: 22px;
  font-weight: 700;
  letter-spacing: 2px;
}

.gate-confirm.ant-btn {
  height: 64px;
  font-size: 22px;
  font-weight: 600;
  margin-top: 12px;
}

/* 放行条: printed on A5 and handed to the applicant */
.release-print.work-order {
  width: 148mm;
  max-width: 100%;
  padding: 8mm;
  font-size: 12px;
}

.release-print-qr {
  display: flex;
  align-items: center;
  gap: 12px;
}

@media print {
  .shell .release-print.work-order {
    box-shadow: none;
    padding: 0;
    width: auto;
  }
}
`;

export function ReleaseStyles() {
  return <style>{CSS}</style>;
}
