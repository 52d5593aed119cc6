/** The local LWC preview (DESIGN.md section 11): `startPreview` for the CLI, the sandbox and the browser e2e. */
export { startPreview, type PreviewOptions, type RunningPreview } from './server/start-preview';
export { buildPreviewBundle, type BuildResult } from './build/preview-bundle';
