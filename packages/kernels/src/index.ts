export * from './errors.ts';
export * from './backend.ts';
export { kernelNames, kernelManifest, paramLayouts, type KernelSpec, type ParamLayout } from './manifest.ts';
export * from './geometry.ts';
export * from './registry.ts';
export { envVar } from './environment.ts';
export { jsBackend } from './js/backend.ts';
export { conv2dForwardWith, conv2dBackwardDataWith, conv2dBackwardWeightWith } from './js/conv2d.ts';
import { registerBackend } from './registry.ts';
import { jsBackend } from './js/backend.ts';

registerBackend('js', () => jsBackend);
// Loaders for the optional backends register themselves below (wasm/, native/); a browser
// build gets the browser variants through package.json's "imports" ("browser" condition).
export { initWasm } from './wasm/loader.ts';
import '#native-loader';
export * from './device-runtime.ts';
