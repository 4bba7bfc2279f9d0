/** Finds scenarios: every `scenarios/<name>.ts` at the repository root default-exports one. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SeedbedError } from '@seedbed/core';
import { Scenario } from './scenario.ts';

export const SCENARIOS_DIR = fileURLToPath(new URL('../../../../scenarios/', import.meta.url));

export function scenarioNames(dir = SCENARIOS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
}

export async function loadScenario(name: string, dir = SCENARIOS_DIR): Promise<Scenario> {
  const file = join(dir, `${name}.ts`);
  if (!existsSync(file)) {
    throw new SeedbedError('SCENARIO_NOT_FOUND', `no scenario named "${name}"`, { hint: `choose one of: ${scenarioNames(dir).join(', ')}` });
  }
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  if (!(module.default instanceof Scenario)) {
    throw new SeedbedError('SCENARIO_INVALID', `${file} does not default-export a scenario`, { hint: "end it with `export default scenario('name', '...')…`" });
  }
  return module.default;
}
