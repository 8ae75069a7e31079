import { sha256Hex } from './canonical-hash';
import { normaliseResidentId } from './id-number';

/**
 * The key of a person wherever the service indexes people (yearly ledgers, the cases of a
 * person): SHA-256 of the normalised resident ID, so those tables hold no ID number.
 */
export function personKey(idNumber: string): string {
  return sha256Hex(`resident:${normaliseResidentId(idNumber)}`);
}
