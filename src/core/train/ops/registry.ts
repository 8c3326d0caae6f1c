/** Every op the training engine runs, by ONNX op type (default domain; fake quantization in its own). */
import { activationOps } from './activation';
import { binaryOps } from './binary';
import { convOps } from './conv';
import { fakeQuantOps, QAT_DOMAIN } from './fake-quant';
import { layoutOps } from './layout';
import { linearOps } from './linear';
import { normalizationOps } from './normalization';
import { poolOps } from './pool';
import { resampleOps } from './resample';
import type { OpImpl } from './types';

const OPS: Record<string, OpImpl> = {
  ...convOps,
  ...linearOps,
  ...activationOps,
  ...binaryOps,
  ...normalizationOps,
  ...poolOps,
  ...layoutOps,
  ...resampleOps,
};

export function opImpl(opType: string, domain: string): OpImpl | undefined {
  if (domain === QAT_DOMAIN) return Object.hasOwn(fakeQuantOps, opType) ? fakeQuantOps[opType] : undefined;
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  return Object.hasOwn(OPS, opType) ? OPS[opType] : undefined;
}

/** Op types with a forward and a backward. */
export const trainableOpTypes: readonly string[] = Object.keys(OPS).filter((k) => OPS[k].backward);
