// The production entry: connect to the workstation service (Electron's preload bridge, or the web
// host's WebSocket) and show the screens. Without either — the page opened by hand, without the
// host's secret — say how to open it instead of showing a broken app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { connectPlatform } from './platform/connect';

const root = createRoot(document.getElementById('root')!);
const platform = connectPlatform();
if (platform) {
  root.render(
    <StrictMode>
      <App platform={platform} />
    </StrictMode>,
  );
} else {
  root.render(
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 560, margin: '15vh auto', padding: 16 }}>
      <h1>Ventanilla</h1>
      <p>
        Esta página no está conectada con el servicio del puesto de trabajo. Ábrala desde la aplicación de escritorio o con la dirección completa que muestra el
        servidor web al arrancar (incluye una clave de un solo uso).
      </p>
      <p lang="en">This page is not connected to the workstation service. Open it from the desktop app, or with the full address the web host prints when it starts.</p>
    </main>,
  );
}
