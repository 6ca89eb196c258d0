/**
 * HTX's order states by their numeric `order-state` code, without valibot: the client names
 * the state of each refused id, and the simulator keeps its book in these names.
 */

/** Order states by HTX's numeric `order-state` code. */
export const ORDER_STATES: {
  readonly "-1": "closed";
  readonly "1": "created";
  readonly "3": "submitted";
  readonly "4": "partial-filled";
  readonly "5": "partial-canceled";
  readonly "6": "filled";
  readonly "7": "canceled";
  readonly "10": "cancelling";
} = {
  "-1": "closed",
  "1": "created",
  "3": "submitted",
  "4": "partial-filled",
  "5": "partial-canceled",
  "6": "filled",
  "7": "canceled",
  "10": "cancelling",
};

/** A name of an HTX order state (`-1`, closed long ago, is `"closed"`). */
export type OrderStateName = (typeof ORDER_STATES)[keyof typeof ORDER_STATES];
