/**
 * The vocabulary of the institution directory (检查对象名录库), shared by the inspection machine,
 * the draw, credit grading and the penalty policy.
 */

/** Designated medical institutions and pharmacies (定点医药机构) by kind. */
export const INSTITUTION_TYPES = ['HOSPITAL', 'PRIMARY_CARE', 'CLINIC', 'PHARMACY'] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

/**
 * Credit grades, best first (Guangdong's A–E; the serious-dishonesty list is E, docs/domain.md §5).
 */
export const CREDIT_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type CreditGrade = (typeof CREDIT_GRADES)[number];
