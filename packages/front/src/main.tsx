import { createRoot } from 'react-dom/client';
import { SessionGate } from './components/SessionGate/index.js';
import './styles.css';

createRoot(document.getElementById('root')!).render(<SessionGate />);
