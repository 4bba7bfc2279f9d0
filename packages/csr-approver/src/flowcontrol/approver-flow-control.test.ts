import { describe, expect, it } from 'vitest';
import { APPROVER_PRIORITY_LEVEL, approverFlowControl } from './approver-flow-control.ts';

describe('approverFlowControl', () => {
  it("puts every request of the approver's user into a priority level of its own, ahead of system-nodes, with seats it keeps", () => {
    const [level, schema] = approverFlowControl({ kind: 'User', name: 'seedbed:csr-approver' });
    expect(level.spec!.type).toBe('Limited');
    expect(level.spec!.limited!.lendablePercent).toBe(0);
    expect(schema.spec!.priorityLevelConfiguration.name).toBe(APPROVER_PRIORITY_LEVEL);
    expect(level.metadata!.name).toBe(APPROVER_PRIORITY_LEVEL);
    expect(schema.spec!.matchingPrecedence).toBeLessThan(500);
    expect(schema.spec!.rules![0]!.subjects).toEqual([{ kind: 'User', user: { name: 'seedbed:csr-approver' } }]);
  });

  it('names service accounts and groups the way FlowSchema subjects spell them', () => {
    expect(approverFlowControl({ kind: 'ServiceAccount', name: 'csr-approver', namespace: 'kube-system' })[1].spec!.rules![0]!.subjects).toEqual([
      { kind: 'ServiceAccount', serviceAccount: { name: 'csr-approver', namespace: 'kube-system' } },
    ]);
    expect(approverFlowControl({ kind: 'Group', name: 'approvers' })[1].spec!.rules![0]!.subjects).toEqual([{ kind: 'Group', group: { name: 'approvers' } }]);
  });
});
