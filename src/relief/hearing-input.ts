import type { HardshipHearingInput } from '../../workflows/hardship-hearing.machine';
import type { ReliefApplicationContext } from '../../workflows/relief-application.machine';

/**
 * What a hearing needs from the relief case it weighs: the person, the year, the institutions.
 * It lives with relief (the side that knows the relief case) so that hearings depend on relief
 * and never the other way round.
 */
export function hearingInputFromRelief(
  reliefCaseId: string,
  relief: ReliefApplicationContext,
  burden: string,
): HardshipHearingInput {
  return {
    reliefCaseId,
    applicant: {
      name: relief.applicant.name,
      idNumber: relief.applicant.idNumber,
      category: relief.verification?.verifiedCategory ?? relief.applicant.category,
    },
    streetCode: relief.streetCode,
    year: relief.year,
    institutions: [...new Set(relief.expenses.map((e) => e.institution))],
    burden,
    links: [],
  };
}
