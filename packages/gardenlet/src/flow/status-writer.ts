/**
 * Writes a Shoot's status the way gardenlet does: lastOperation (type, state,
 * progress, description, lastUpdateTime), lastErrors naming the failing task,
 * conditions, technicalID, gardener version; and the status label on the
 * object's metadata. Writes are merge patches, skipped when nothing changed.
 */
import { KubeRaw, isStatusCode } from '@seedbed/cluster';
import {
  SHOOT_STATUS_LABEL,
  shootPath,
  type Condition,
  type LastError,
  type LastOperation,
  type LastOperationState,
  type LastOperationType,
  type Shoot,
} from '@seedbed/gardener-api';
import { computeStatusLabel } from '../health/shoot-conditions.ts';

export const GARDENLET_NAME = 'seedbed-gardenlet';

export class ShootStatusWriter {
  private readonly raw: KubeRaw;
  private readonly version: string;
  private lastLabel = new Map<string, string>();

  constructor(raw: KubeRaw, version: string) {
    this.raw = raw;
    this.version = version;
  }

  async operation(shoot: Shoot, type: LastOperationType, state: LastOperationState, progress: number, description: string, extra: Record<string, unknown> = {}): Promise<Shoot | undefined> {
    const lastOperation: LastOperation = { type, state, progress, description, lastUpdateTime: new Date().toISOString() };
    const updated = await this.patchStatus(shoot, { lastOperation, ...extra });
    // the status label follows the last operation too (a failed reconcile is unhealthy, a successful one
    // clears that), not only the conditions
    if (updated) await this.label(updated, computeStatusLabel(updated.status?.conditions ?? [], lastOperation));
    return updated;
  }

  async errors(shoot: Shoot, errors: LastError[]): Promise<void> {
    await this.patchStatus(shoot, { lastErrors: errors.length ? errors : null });
  }

  async conditions(shoot: Shoot, conditions: Condition[], lastOperation?: LastOperation): Promise<void> {
    await this.patchStatus(shoot, { conditions });
    await this.label(shoot, computeStatusLabel(conditions, lastOperation));
  }

  /** status.kubeletServingCertificates (merged: fields not given are kept). */
  async kubeletServingCertificates(shoot: Shoot, value: Record<string, unknown>): Promise<void> {
    await this.patchStatus(shoot, { kubeletServingCertificates: value });
  }

  async label(shoot: Shoot, value: string): Promise<void> {
    const key = `${shoot.metadata.namespace}/${shoot.metadata.name}`;
    if (this.lastLabel.get(key) === value && shoot.metadata.labels?.[SHOOT_STATUS_LABEL] === value) return;
    this.lastLabel.set(key, value);
    await this.ignoreGone(this.raw.patch(shootPath(shoot.metadata.namespace!, shoot.metadata.name), { metadata: { labels: { [SHOOT_STATUS_LABEL]: value } } }));
  }

  gardener(): Record<string, string> {
    return { id: GARDENLET_NAME, name: GARDENLET_NAME, version: this.version };
  }

  private patchStatus(shoot: Shoot, status: Record<string, unknown>): Promise<Shoot | undefined> {
    return this.ignoreGone(this.raw.patch<Shoot>(`${shootPath(shoot.metadata.namespace!, shoot.metadata.name)}/status`, { status }));
  }

  /** A shoot deleted under our feet is not an error for status writes. */
  private async ignoreGone<T>(write: Promise<T>): Promise<T | undefined> {
    try {
      return await write;
    } catch (error) {
      if (isStatusCode(error, 404)) return undefined;
      throw error;
    }
  }
}
