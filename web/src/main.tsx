import { createRoot } from 'react-dom/client';
import { App } from './app';
import { dropTokenFromUrl } from './lib/api';
import './styles.css';
import 'uplot/dist/uPlot.min.css';

dropTokenFromUrl();
createRoot(document.getElementById('root')!).render(<App />);
