/**
 * The fake companion behind the design-review page (`/design`): `/design-api/<state id>` speaks the
 * elements' endpoint contract (docs/contracts.md) with fixed bodies from demo/src/design/scenarios.ts,
 * so every state of every element can be shown side by side without paying, waiting or timing.
 *
 * - `GET …/payments/:orderId` answers the state's view (503 for the offline states), with `Date` set to
 *   the fixed DESIGN_NOW: the elements count their deadlines from it, so countdowns start the same.
 * - `GET …/methods` (for `<haipay-checkout>`) answers the demo's offers, nothing (loading) or 503.
 * - `GET …/payments/:orderId/events` answers 204: the element falls back to polling the same view.
 * - `POST …/payments` (and `/subscriptions`) answers as the state says: never (submitting), a 3-D Secure
 *   redirect to `/design-api/no-content` (a 204, so the browser stays on the page, showing the
 *   "redirecting" state), a declined card (502 `gateway_error`, as the companion answers a card HaiPay
 *   refuses), or a dropped connection (offline).
 *
 * It touches no store, no sandbox and no money.
 */
import express, { type Request, type Response, type Router } from 'express';
import {
  DESIGN_NOW,
  DESIGN_OFFERS,
  DESIGN_STATES,
  designView,
  type DesignState,
} from '../src/design/scenarios.js';

const STATES = new Map(DESIGN_STATES.map((s) => [s.id, s]));

function stateOf(req: Request, res: Response): DesignState | undefined {
  const state = STATES.get(String(req.params.state));
  if (!state) res.status(404).json({ error: { type: 'not_found', message: 'unknown design state' } });
  return state;
}

function fixedClock(res: Response): void {
  res.set('Date', new Date(DESIGN_NOW).toUTCString());
  res.set('Cache-Control', 'no-store');
}

export function designCompanion(): Router {
  const r = express.Router();
  r.use(express.json({ limit: '4kb' }));
  r.use((_req, res, next) => {
    fixedClock(res);
    next();
  });
  r.get('/no-content', (_req, res) => void res.status(204).end());
  r.get('/:state/payments/:orderId/events', (_req, res) => void res.status(204).end());
  r.get('/:state/methods', (req, res) => {
    const state = stateOf(req, res);
    if (!state) return;
    if (state.methods === 'hold') return; // never answered: "loading"
    if (state.methods === 'offline')
      return void res.status(503).json({ error: { type: 'api_error', message: 'unavailable' } });
    res.json({ methods: DESIGN_OFFERS });
  });
  r.get('/:state/payments/:orderId', (req, res) => {
    const state = stateOf(req, res);
    if (!state) return;
    if (state.offline || !state.status)
      return void res.status(503).json({ error: { type: 'api_error', message: 'unavailable' } });
    res.json(designView(state));
  });
  r.post(['/:state/payments', '/:state/subscriptions'], (req, res) => {
    const state = stateOf(req, res);
    if (!state) return;
    switch (state.post) {
      case 'hold':
        return; // never answered: the demo server's close() destroys the socket

      case 'redirect': {
        const url = `${req.protocol}://${req.get('host') ?? 'localhost'}/design-api/no-content`;
        return void res
          .status(201)
          .json({ ...designView(state, 'pending'), next: { type: 'redirect', url } });
      }
      case 'declined': // what the companion answers when HaiPay refuses the card
        return void res
          .status(502)
          .json({ error: { type: 'gateway_error', message: 'Card declined', code: '4012' } });
      case 'disconnect':
        return void req.socket.destroy();
      default:
        res.status(400).json({ error: { type: 'validation_error', message: 'not a submit state' } });
    }
  });
  return r;
}
