// Preloaded with `node --import` by runCliMeasured: writes the process's peak resident memory (bytes)
// to the file named by WHITTLE_TEST_RSS_FILE when it exits, so tests can bound a command's memory.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.WHITTLE_TEST_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
});
