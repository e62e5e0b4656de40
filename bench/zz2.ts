import { cpuSecondsOf } from './processes.js';
const a = cpuSecondsOf('postgres'); await new Promise(r => setTimeout(r, 6000)); console.log('pg cpu over 6s', (cpuSecondsOf('postgres') - a).toFixed(2));
