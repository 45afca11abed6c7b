/**
 * The response envelope every HaiPay endpoint answers with (reference §1):
 * `{ status: "1" | "0", error, msg, data? }`. Only `data` is signed (reference §2.3).
 */
import { z } from 'zod';

/**
 * The envelope with `data` left unparsed. `status` `"1"` is normal, `"0"` an exception (then `error`
 * is a code of `GATEWAY_ERRORS` and `data` is normally absent). Unknown envelope fields are kept.
 */
export const responseEnvelopeSchema = z.looseObject({
  status: z.union([z.string(), z.number()]).transform((v) => String(v)),
  error: z.union([z.string(), z.number()]).transform((v) => String(v)),
  msg: z.string().nullish(),
  data: z.unknown().optional(),
});
/** A parsed response envelope. */
export type ResponseEnvelope = z.output<typeof responseEnvelopeSchema>;

/** True when the envelope reports success (`status` `"1"`), i.e. `data` carries the business result. */
export function isSuccessEnvelope(envelope: ResponseEnvelope): boolean {
  return envelope.status === '1';
}
