/**
 * Live shoot progress: bars redrawn in place on a TTY, one plain line per
 * change otherwise (CI logs). Fed by the shoot watch and the gardenlet's flow events.
 */
import type { FlowEvent } from '@seedbed/core';
import type { Shoot } from '@seedbed/gardener-api';

export const BAR_WIDTH = 24;

interface Line {
  percent: number;
  state: string;
  task: string;
  status: string;
}

export class ProgressView {
  private readonly tty: boolean;
  private readonly write: (text: string) => void;
  private readonly lines = new Map<string, Line>();
  private drawn = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.tty = !!stream.isTTY && process.env.CI !== 'true';
    this.write = (text) => stream.write(text);
  }

  onShoot(shoot: Shoot): void {
    const line = this.line(shoot.metadata.name);
    const op = shoot.status?.lastOperation;
    const next = { ...line, percent: op?.progress ?? 0, state: op ? `${op.type} ${op.state}` : 'Pending', status: shoot.metadata.labels?.['shoot.gardener.cloud/status'] ?? '' };
    if (op?.state === 'Error' || op?.state === 'Failed') next.task = shoot.status?.lastErrors?.[0]?.taskID ?? line.task;
    this.update(shoot.metadata.name, next);
  }

  onFlowEvent(key: string, event: FlowEvent): void {
    const name = key.split('/')[1] ?? key;
    if (event.type === 'task-started') this.update(name, { ...this.line(name), task: event.task });
  }

  private line(name: string): Line {
    return this.lines.get(name) ?? { percent: 0, state: 'Pending', task: '', status: '' };
  }

  private update(name: string, next: Line): void {
    const before = this.lines.get(name);
    this.lines.set(name, next);
    if (this.tty) return this.redraw();
    if (!before || before.percent !== next.percent || before.state !== next.state || before.status !== next.status) {
      this.write(`shoot ${name}: ${next.state} ${next.percent}%${next.task ? ` (${next.task})` : ''}${next.status ? ` [${next.status}]` : ''}\n`);
    }
  }

  private redraw(): void {
    if (this.drawn) this.write(`\x1b[${this.drawn}A`);
    for (const [name, l] of this.lines) {
      const filled = Math.round((l.percent / 100) * BAR_WIDTH);
      this.write(`\x1b[2K ${name.padEnd(12)} [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${String(l.percent).padStart(3)}%  ${l.state}${l.task ? ` · ${l.task}` : ''}${l.status ? ` · ${l.status}` : ''}\n`);
    }
    this.drawn = this.lines.size;
  }
}
