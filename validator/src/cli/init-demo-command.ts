/** `validator init-demo --dir DIR`: writes a demo bus validator (test keys only) and says how to run it. */
import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { DEMO_VPCD_READER_NAME, writeDemoDevice } from '../runtime/demo-setup.js';
import type { CliIo } from './cli-io.js';
import { EXIT_FAILED, EXIT_USAGE } from './device-config-loader.js';

const HANOI_FEED_DIR = fileURLToPath(new URL('../../feeds/hanoi', import.meta.url));

export function registerInitDemoCommand(program: Command, io: CliIo): void {
  const command: Command = program
    .command('init-demo')
    .description('write a demo bus validator: config, TEST key store and bundle, journal seed, Hanoi feed link, a demo card')
    .requiredOption('--dir <dir>', 'folder to create (must be empty or not exist)');
  command.action(async (options: { dir: string }) => {
    let files;
    try {
      files = await writeDemoDevice({ dir: options.dir, feedDir: HANOI_FEED_DIR, now: new Date() });
    } catch (error: unknown) {
      if (error instanceof RangeError) command.error(`error: --dir: ${error.message}`, { exitCode: EXIT_USAGE, code: 'validator.demo_dir_not_empty' });
      const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'failed';
      command.error(`error: cannot write the demo (${code})`, { exitCode: EXIT_FAILED, code: 'validator.demo_failed' });
    }
    io.stdout(
      [
        `demo written: ${files.configPath}`,
        'TEST keys only (weak KDF, plain bundle): never use them for real cards.',
        'Try it (pcscd with vpcd slot 01 running):',
        `  npx card-os serve --vpcd 127.0.0.1:40060 --state ${files.cardStatePath}   # the demo card in "${DEMO_VPCD_READER_NAME}"`,
        `  npx validator run --config ${files.configPath}                         # tap: 12,000 VND on route 01`,
        `  npx validator status --config ${files.configPath}`,
        '',
      ].join('\n'),
    );
  });
}
