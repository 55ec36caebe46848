// Process entry point named by the Procfile: `node dist/services/main.js --services=web`.
import { main } from './cli.js';

main(['start', ...process.argv.slice(2)]).then(
  (code) => { if (code !== 0) process.exit(code); },
  (err: unknown) => { console.error(err); process.exit(1); },
);
