import type { PaymentView } from '../src/types.js';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, when there was one (e.g. `orderRef=cart-1` on `GET /methods`). */
  query?: string;
  idempotencyKey: string | null;
  contentType: string | null;
  body: Record<string, string> | undefined;
}

export interface OrderScript {
  views: PaymentView[];
  pollViews?: PaymentView[];
  sse?: 'ok' | 'fail';
  date?: string;
  intervalMs?: number;
}

/** A fresh namespace on the fake companion (web-test-runner middleware), so tests never share state. */
export async function companion(
  script: {
    post?: { status?: number; body?: unknown; drop?: boolean }[];
    orders?: Record<string, OrderScript>;
    /** The answer to `GET /methods` (`<haipay-checkout>`). */
    methods?: { status?: number; body: unknown };
  } = {},
) {
  const endpoint = `/__companion/t${Math.random().toString(36).slice(2, 10)}`;
  const set = async (s: typeof script): Promise<void> => {
    await fetch(`${endpoint}/__script`, { method: 'POST', body: JSON.stringify(s) });
  };
  await set(script);
  return {
    endpoint,
    set,
    requests: async (): Promise<RecordedRequest[]> =>
      (await fetch(`${endpoint}/__requests`)).json() as Promise<RecordedRequest[]>,
    /** Status streams of this namespace that are still open (the browser has not closed them). */
    openStreams: async (): Promise<number> =>
      ((await (await fetch(`${endpoint}/__streams`)).json()) as { open: number }).open,
  };
}

export function view(partial: Partial<PaymentView> = {}): PaymentView {
  return {
    orderId: 'hp_test_1',
    orderNo: '6026000000000001',
    status: 'pending',
    method: 'promptpay',
    amount: '100.00',
    currency: 'THB',
    subject: 'Order #123',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    next: { type: 'qr', payload: PROMPTPAY_PAYLOAD },
    failureReason: null,
    updatedAt: new Date().toISOString(),
    ...partial,
  };
}

/** A PromptPay-shaped (EMVCo tag-length-value) payload for 100.00 THB; the CRC is not meaningful here. */
export const PROMPTPAY_PAYLOAD =
  '00020101021229370016A000000677010111011300668123456785802TH53037645406100.006304' + 'E0B1';

/** Shadow-DOM query shorthand. */
export function $(el: Element, selector: string): HTMLElement {
  const found = el.shadowRoot?.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`no ${selector} in <${el.localName}>`);
  return found;
}

export function text(el: Element, selector: string): string {
  return ($(el, selector).textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Real keyboard input through web-test-runner's `send-keys` command (Puppeteer under the hood). */
export async function sendKeys(payload: { type: string } | { press: string }): Promise<void> {
  await command('send-keys', payload);
}

/** Resizes the page's viewport (web-test-runner's `set-viewport` command), e.g. to a phone's 375 × 812. */
export async function setViewport(payload: { width: number; height: number }): Promise<void> {
  await command('set-viewport', payload);
}

/** Runs one of web-test-runner's built-in commands in the browser's driver. */
async function command(name: string, payload: unknown): Promise<void> {
  const sessionId = new URL(window.location.href).searchParams.get('wtr-session-id');
  // A URL the dev server answers, not a module TypeScript can resolve: hence a `string`, not a literal.
  const socketModule: string = '/__web-dev-server__web-socket.js';
  const ws = (await import(/* @vite-ignore */ socketModule)) as {
    sendMessageWaitForResponse: (m: unknown) => Promise<{ executed: boolean }>;
  };
  const res = await ws.sendMessageWaitForResponse({
    type: 'wtr-command',
    sessionId,
    command: name,
    payload,
  });
  if (!res.executed) throw new Error(`${name} is not available`);
}
