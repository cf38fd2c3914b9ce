// NetworkPolicy enforcement for the embedded lab: a reference evaluator and an
// iptables compiler that agree with it.
export type { ChainOwner, Direction, PolicyInput, PolicyPod, Protocol } from './types.js';
export { labelSelectorProblems, matchesLabelSelector } from './selector.js';
export { networkPolicyProblems } from './validate.js';
export { evaluateFlow, type EvaluateInput, type Flow, type FlowEnd, type FlowVerdict, type Verdict } from './evaluate.js';
export { netpolRestore } from './compile.js';
export { netpolOwners } from './owners.js';
export { NETPOL_JUMP_COMMENT, netpolJump, netpolJumpArgv, netpolJumpRuleSpec, planNetpolJump } from './jump.js';
export { ALLOW_MARK } from './plan.js';
export { TOP_CHAIN as NETPOL_TOP_CHAIN } from './chain-names.js';
