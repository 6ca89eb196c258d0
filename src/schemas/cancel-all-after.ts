/**
 * valibot schemas of the answer of `POST /v2/algo-orders/cancel-all-after`, HTX's v2 envelope
 * (docs/htx-notes.md, "Dead man's switch"): `{ code: 200, data }` when accepted, `{ code, message }`
 * when refused. `data` comes in two documented shapes: `{ currentTime, triggerTime }` in epoch ms
 * (the current docs and HTX's Go SDK), or an array of two strings in epoch seconds (HTX's 2021
 * announcement). Both read as milliseconds.
 */
import * as v from "valibot";

/** The switch as HTX reports it: its clock and the trigger time, epoch ms. */
export interface CancelAllAfterData {
  /** HTX's clock when it answered, epoch ms. */
  currentTime: number;
  /** When HTX cancels unless called again, epoch ms; `0` once disarmed. */
  triggerTime: number;
}

/** An accepted or a refused call, in HTX's v2 envelope. */
export type CancelAllAfterEnvelope =
  | { code: 200; data: CancelAllAfterData }
  | { code: number; message: string };

/** The latest time a JavaScript `Date` holds (ECMA-262, "Time Values"): a later one could not be shown. */
const MAX_DATE_MS = 8_640_000_000_000_000;
const EpochMs = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_DATE_MS));
/** Epoch seconds, as the 2021 answer writes them: digits, or (leniently) a number. */
const EpochSeconds = v.pipe(
  v.union([v.pipe(v.string(), v.regex(/^\d{1,12}$/), v.transform(Number)), v.pipe(v.number(), v.integer())]),
  v.minValue(0),
  v.maxValue(MAX_DATE_MS / 1000),
  v.transform((seconds) => seconds * 1000),
);

/** `data` of an accepted call, in either documented shape, as epoch ms. */
export const CancelAllAfterDataSchema: v.GenericSchema<unknown, CancelAllAfterData> = v.union([
  v.pipe(
    v.looseObject({ currentTime: EpochMs, triggerTime: EpochMs }),
    v.transform(({ currentTime, triggerTime }) => ({ currentTime, triggerTime })),
  ),
  v.pipe(
    v.tuple([EpochSeconds, EpochSeconds]),
    v.transform(([currentTime, triggerTime]) => ({ currentTime, triggerTime })),
  ),
]);

/** Any answer of the endpoint in HTX's v2 envelope: `code` 200 with `data`, or another code with its message. */
export const CancelAllAfterEnvelopeSchema: v.GenericSchema<unknown, CancelAllAfterEnvelope> = v.union([
  v.pipe(
    v.looseObject({ code: v.literal(200), data: CancelAllAfterDataSchema }),
    v.transform(({ data }) => ({ code: 200 as const, data })),
  ),
  v.pipe(
    v.looseObject({
      code: v.pipe(v.number(), v.integer(), v.check((code) => code !== 200, "code 200 needs data")),
      message: v.optional(v.nullable(v.string()), ""),
    }),
    v.transform(({ code, message }) => ({ code, message: message ?? "" })),
  ),
]);
