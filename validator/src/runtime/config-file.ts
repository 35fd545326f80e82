/**
 * Reads and checks a device configuration file. Problems come back as
 * `path: rule` lines (`mode.routeId: must be a GTFS id …`) that name the
 * field and the rule, never the value found (a config may hold a pasted key
 * by mistake). Relative paths in the file are read from the file's folder.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { deviceConfigSchema, keyBundleConfigSchema, modeConfigSchema, type DeviceConfig } from './config-schema.js';
import { CONFIG_FILE_BYTES_MAX, CONFIG_PROBLEM_COUNT_MAX, CONFIG_PROBLEM_PATH_CHARS_MAX } from './limits.js';

export type ConfigFailureCode = 'config_unreadable' | 'config_too_large' | 'config_not_json' | 'config_invalid';

export type ConfigResult = { readonly ok: true; readonly config: DeviceConfig } | { readonly ok: false; readonly code: ConfigFailureCode; readonly problems: readonly string[] };

/** The discriminated unions of the schema and their kinds, for the error of an unknown kind. */
const KIND_CHOICES: Readonly<Record<string, string>> = {
  'mode.kind': modeConfigSchema.options.map((option) => option.shape.kind.value).join(', '),
  'keys.bundle.kind': keyBundleConfigSchema.options.map((option) => option.shape.kind.value).join(', '),
  'reader.kind': 'pcsc, none',
};
const SAFE_KEY_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

function pathText(path: readonly PropertyKey[]): string {
  const text = path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${typeof part === 'string' && SAFE_KEY_PATTERN.test(part) ? part : '<field>'}`)).join('');
  const shown = text.length > CONFIG_PROBLEM_PATH_CHARS_MAX ? `${text.slice(0, CONFIG_PROBLEM_PATH_CHARS_MAX)}…` : text;
  return shown === '' ? '(file)' : shown;
}

function problemOf(issue: z.core.$ZodIssue): string {
  const at = pathText(issue.path);
  // Only the codes whose zod message would be unclear are rephrased; the others' messages name the rule, not the value.
  if (issue.code === 'unrecognized_keys') {
    // Each unknown field on its own path; the name is shown only when it is a plain word.
    return issue.keys.map((key) => `${pathText([...issue.path, key])}: unknown field`).join('\n');
  }
  if (issue.code === 'invalid_union') return `${at}: ${issue.errors.length === 0 ? `must be one of ${KIND_CHOICES[at] ?? 'the documented kinds'}` : 'does not match any allowed form'}`;
  if (issue.code === 'invalid_type') return `${at}: ${issue.message.endsWith('received undefined') ? 'is required' : `must be ${issue.expected === 'object' ? 'a JSON object' : issue.expected}`}`;
  return `${at}: ${issue.message}`;
}

/** Checks parsed JSON; `baseDir` anchors relative paths. */
export function parseDeviceConfig(json: unknown, options: { readonly baseDir: string }): ConfigResult {
  const parsed = deviceConfigSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((issue) => problemOf(issue).split('\n'));
    const shown = problems.slice(0, CONFIG_PROBLEM_COUNT_MAX);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    return { ok: false, code: 'config_invalid', problems: shown };
  }
  return { ok: true, config: resolvePaths(parsed.data, options.baseDir) };
}

function resolvePaths(config: DeviceConfig, baseDir: string): DeviceConfig {
  const at = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  const { bundle } = config.keys;
  return {
    ...config,
    dataDir: at(config.dataDir),
    mode: config.mode.kind === 'bus' ? { ...config.mode, fareFeedDir: at(config.mode.fareFeedDir) } : config.mode,
    keys: {
      ...config.keys,
      journalSeedFile: at(config.keys.journalSeedFile),
      bundle: bundle.kind === 'sealed' ? { ...bundle, sealedFile: at(bundle.sealedFile), privateKeyFile: at(bundle.privateKeyFile) } : { ...bundle, file: at(bundle.file) },
    },
  };
}

export async function readDeviceConfig(path: string): Promise<ConfigResult> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, code: 'config_unreadable', problems: ['(file): is not a regular file'] };
    if (info.size > CONFIG_FILE_BYTES_MAX) return { ok: false, code: 'config_too_large', problems: [`(file): larger than ${CONFIG_FILE_BYTES_MAX} bytes`] };
    text = await readFile(path, 'utf8');
  } catch (error: unknown) {
    return { ok: false, code: 'config_unreadable', problems: [`(file): cannot be read (${errnoOf(error)})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the fault: not shown.
    return { ok: false, code: 'config_not_json', problems: ['(file): is not valid JSON (truncated or malformed)'] };
  }
  return parseDeviceConfig(json, { baseDir: dirname(resolve(path)) });
}

/** The errno code of a file-system failure (ENOENT, EACCES …), never its message (that holds the path). */
export function errnoOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code)) return error.code;
  return 'I/O error';
}
