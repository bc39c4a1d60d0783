// Messages between the parity page and its worker.
import type { Case } from '../../../test/helpers/parity-case.ts';

export interface ParityRequest { id: number; cases: Case[]; backend: 'js' | 'wasm' | 'wasm-mt' }
export interface ParityResult {
  id: number;
  backend: string;
  /** the backend's describe(), or why it is unavailable */
  detail: string;
  available: boolean;
  passed: number;
  failures: string[];
}
