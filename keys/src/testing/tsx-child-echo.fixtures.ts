/**
 * Child process of tsx-child.test.ts: writes "one", "two" and "three" as
 * lines split across writes, then exits (mode `exit`) or waits to be killed
 * (mode `hang`).
 */
const HANG_MS = 60_000;

const [mode] = process.argv.slice(2);
process.stdout.write('one\ntw');
await new Promise((resolve) => setTimeout(resolve, 20));
process.stdout.write('o\n\nthree\n');
if (mode === 'hang') {
  process.stdout.write('waiting\n');
  await new Promise((resolve) => setTimeout(resolve, HANG_MS));
} else if (mode !== 'exit') throw new Error('mode must be exit or hang');
