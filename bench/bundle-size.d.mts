/** Minified and gzip bytes. */
export interface Size {
  /** Minified bytes. */
  bytes: number;
  /** The same, gzip level 9. */
  gzip: number;
}

/** An entry's bundle, split at dynamic imports. */
export interface BundleSize {
  /** What loads with the import: the entry chunk and the chunks whose code it imports, transitively. */
  initial: Size;
  /** The same, also following esbuild's bare `import "./chunk.js"` (evanw/esbuild#1892). */
  asEmitted: Size;
  /** Every chunk, the on-demand ones included. */
  total: Size;
  /** How many chunks load with the import, and how many there are. */
  chunks: { initial: number; total: number };
  /** Minified bytes each input puts into the initial chunks: a source path, or a package name. */
  inputs: Record<string, number>;
}

/** Bundles `contents` (TypeScript, resolved from the project root) with esbuild, minified, split. */
export function bundleSize(contents: string): Promise<BundleSize>;
