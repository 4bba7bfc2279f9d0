import { describe, expect, it } from 'vitest';
import { capDropNeed } from './dockerd/owned-dockerd.ts';
import { engineEnv, type Engine } from './engine.ts';

const engine = (owned: boolean): Engine => ({
  dockerHost: owned ? 'unix:///state/engine/docker.sock' : 'unix:///var/run/docker.sock',
  owned,
  capDrop: owned,
  capDropReason: '',
  flavour: 'docker',
  serverVersion: '20.10.24',
  dockerCli: owned ? '/usr/bin/docker' : 'docker',
  binDir: owned ? '/state/engine/bin' : undefined,
  describe: () => 'test engine',
});

describe('engineEnv', () => {
  it('points docker and kind at seedbed’s dockerd, with docker.io’s CLI first on PATH', () => {
    const env = engineEnv(engine(true), { PATH: '/usr/local/bin:/usr/bin', HOME: '/root' });
    expect(env).toEqual({ PATH: '/state/engine/bin:/usr/local/bin:/usr/bin', HOME: '/root', DOCKER_HOST: 'unix:///state/engine/docker.sock' });
  });

  it('leaves PATH alone for a user’s engine', () => {
    expect(engineEnv(engine(false), { PATH: '/usr/bin' })).toEqual({ PATH: '/usr/bin', DOCKER_HOST: 'unix:///var/run/docker.sock' });
  });
});

describe('capDropNeed', () => {
  it('registers the runtime only where the bounding set lacks capabilities, naming them', () => {
    expect(capDropNeed({ bounding: 0x1fffeffffffn, lastCap: 40, missing: ['CAP_SYS_RESOURCE'] })).toEqual({ needed: true, reason: expect.stringMatching(/lacks CAP_SYS_RESOURCE.*000001fffeffffff/) });
    expect(capDropNeed({ bounding: 0x1ffffffffffn, lastCap: 40, missing: [] })).toEqual({ needed: false, reason: expect.stringMatching(/^not needed/) });
  });
});
