// A screen that throws while rendering takes only itself down: the top bar, the sync state and the
// way back to the inbox stay, the error goes to the service's log (platform/screen-log.ts), and
// the clerk can try the screen again. Without it React 19 unmounts the whole app on a render
// error and leaves a blank window. `key` it by the route, so that leaving the screen resets it.
//
// A screen whose code could not be fetched (a lazily loaded chunk, Shell.tsx, missing after the
// web host restarted with a new build) cannot be tried again in place: the browser keeps the
// failed import for the page's life. The panel then offers to reload the app instead.
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeThrown, screenLog, type ScreenLogger } from '../platform/screen-log';

type Props = { screen: string; children: ReactNode; onHome: () => void; logger?: ScreenLogger; reload?: () => void };
type State = { failed: false } | { failed: true; chunkMissing: boolean };

/** Chromium's, Firefox's and Safari's words for a dynamic import whose file could not be fetched. */
const CHUNK_MISSING = /dynamically imported module|Importing a module script failed|error loading dynamically imported module/i;

export function isChunkLoadError(error: unknown): boolean {
  return error instanceof Error && CHUNK_MISSING.test(error.message);
}

export class ScreenErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(error: unknown): State {
    return { failed: true, chunkMissing: isChunkLoadError(error) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    const stack = [error instanceof Error ? error.stack : undefined, info.componentStack ? `component stack:${info.componentStack}` : undefined].filter(Boolean).join('\n');
    const withStack = Object.assign(new Error(describeThrown(error)), { stack: stack || undefined });
    (this.props.logger ?? screenLog).error(`screen:${this.props.screen}`, `the screen failed to render: ${describeThrown(error)}`, withStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const retry = this.state.chunkMissing ? (this.props.reload ?? (() => window.location.reload())) : () => this.setState({ failed: false });
    return <ScreenFailed chunkMissing={this.state.chunkMissing} onRetry={retry} onHome={this.props.onHome} />;
  }
}

function ScreenFailed({ chunkMissing, onRetry, onHome }: { chunkMissing: boolean; onRetry: () => void; onHome: () => void }) {
  const { t } = useTranslation();
  return (
    <Box sx={{ p: 3, maxWidth: 720 }}>
      <Alert severity="error" role="alert">
        <AlertTitle>{t('app.screenFailed.title')}</AlertTitle>
        {chunkMissing ? t('app.screenFailed.chunkMissing') : t('app.screenFailed.text')}
        <Box sx={{ mt: 2, display: 'flex', gap: 1 }}>
          <Button variant="contained" onClick={onRetry}>
            {chunkMissing ? t('app.screenFailed.reload') : t('app.screenFailed.retry')}
          </Button>
          <Button onClick={onHome}>{t('app.screenFailed.home')}</Button>
        </Box>
      </Alert>
    </Box>
  );
}
