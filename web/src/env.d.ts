// Vite's `?url` imports (the zxing .wasm file, emitted under /assets/).
declare module '*?url' {
  const url: string;
  export default url;
}
