// The few assertions the smoke suite uses, for workerd, where node:assert needs nodejs_compat.
const fail = (message, actual, expected) => {
  throw new Error(`${message ?? "assertion failed"}: ${JSON.stringify(actual)} !== ${JSON.stringify(expected)}`);
};
export const assert = {
  equal: (actual, expected, message) => Object.is(actual, expected) || fail(message, actual, expected),
  deepEqual: (actual, expected, message) =>
    JSON.stringify(actual) === JSON.stringify(expected) || fail(message, actual, expected),
  ok: (value, message) => value || fail(message, value, true),
  match: (text, pattern, message) => pattern.test(text) || fail(message, text, String(pattern)),
};
