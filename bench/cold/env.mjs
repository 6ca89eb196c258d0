// What the cold-start children (bench/first-request.mjs) read from their environment, on Node,
// Deno and Bun alike.
export const env = (name) => globalThis.process?.env?.[name] ?? globalThis.Deno?.env.get(name);
export const KEYS = { accessKey: "demo-access-key", secretKey: "demo-secret-key" };
