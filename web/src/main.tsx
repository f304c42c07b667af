import { createRoot } from 'react-dom/client';
import { App } from './app';
import { adoptTokenFromUrl } from './lib/api';
import './styles.css';
import 'uplot/dist/uPlot.min.css';

adoptTokenFromUrl();
createRoot(document.getElementById('root')!).render(<App />);
