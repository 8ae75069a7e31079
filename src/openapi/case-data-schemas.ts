import type { JsonSchema } from '../events/event-schemas';

/**
 * The shapes of `CaseView.data` per workflow (the machine's context as the service shows it,
 * plus `links`), for the OpenAPI document. Only what is stable is declared; every object allows
 * more properties, so a field added to a context never makes a served case "invalid". A test
 * checks real cases of each workflow against these with ajv.
 */

const MONEY = '^(0|[1-9]\\d{0,11})(\\.\\d{1,2})?$';
const str: JsonSchema = { type: 'string' };
const money: JsonSchema = { type: 'string', pattern: MONEY };
const int: JsonSchema = { type: 'integer' };
const bool: JsonSchema = { type: 'boolean' };
const date: JsonSchema = { type: 'string', format: 'date' };
const instant: JsonSchema = { type: 'string', format: 'date-time' };

function obj(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: true,
  };
}
const arr = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
/** Who did something and when (the engine's actor and time of the event). */
const trail = (more: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema =>
  obj({ by: str, at: instant, ...more }, ['by', 'at', ...required]);

/** A link to another case, as the service adds it to every case's `data`. */
export const CASE_LINK: JsonSchema = obj({ rel: str, caseId: str }, ['rel', 'caseId']);
const links: JsonSchema = arr({ $ref: '#/components/schemas/CaseLink' });

const sanction = obj(
  {
    type: str,
    article: int,
    amount: money,
    minAmount: money,
    maxAmount: money,
    months: int,
    basis: str,
  },
  ['type', 'article'],
);

export const CASE_DATA_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ReliefApplicationData: obj(
    {
      applicant: obj(
        {
          name: str,
          idNumber: { type: 'string', description: 'masked unless the caller may see it in full' },
          phone: str,
          category: str,
          insuranceType: str,
        },
        ['name', 'idNumber', 'category', 'insuranceType'],
      ),
      streetCode: str,
      year: int,
      origin: { type: 'string', enum: ['APPLICATION', 'OUTREACH'] },
      expenses: arr(
        obj(
          {
            kind: { type: 'string', enum: ['INPATIENT', 'OUTPATIENT'] },
            institution: str,
            date,
            dischargeDate: date,
            totalCost: money,
            inPolicyCost: money,
            basicInsurancePaid: money,
            criticalIllnessPaid: money,
            otherInsurancePaid: money,
          },
          ['kind', 'institution', 'date', 'totalCost', 'inPolicyCost'],
        ),
      ),
      verification: trail({ verifiedCategory: str, certificateNo: str }, [
        'verifiedCategory',
        'certificateNo',
      ]),
      calculation: obj(
        {
          eligibleBase: money,
          reliefAmount: money,
          outpatientReliefAmount: money,
          inpatientReliefAmount: money,
          ratio: str,
          annualCapRemaining: { type: 'string', nullable: true },
          personalBurdenAfter: money,
          lines: arr(
            obj(
              {
                expenseIndex: int,
                kind: str,
                institution: str,
                decisiveDate: date,
                counted: bool,
                insuranceRemainder: money,
                eligibleBase: money,
                reliefAmount: money,
                personalBurdenAfter: money,
                steps: arr(obj({})),
              },
              ['expenseIndex', 'eligibleBase', 'reliefAmount'],
            ),
          ),
        },
        ['reliefAmount', 'lines'],
      ),
      proposedAmount: money,
      approvedAmount: money,
      payment: trail({ amount: money, reference: str }, ['amount', 'reference']),
      supplementRequests: arr(trail({ items: arr(str) })),
      returns: arr(trail({ comment: str })),
      objections: arr(trail({ details: str })),
      links,
    },
    ['applicant', 'streetCode', 'year', 'expenses', 'links'],
  ),
  HardshipHearingData: obj(
    {
      reliefCaseId: str,
      applicant: obj({ name: str, idNumber: str, category: str }, ['name', 'idNumber']),
      streetCode: str,
      year: int,
      burden: money,
      burdenCases: arr(obj({ caseId: str, burden: money }, ['caseId', 'burden'])),
      panel: arr(obj({ userId: str, expertField: str }, ['userId', 'expertField'])),
      draws: arr(obj({})),
      opinions: {
        type: 'object',
        description: 'the latest opinion of each expert, by user id',
        additionalProperties: trail(
          { expertField: str, reasonableCost: money, support: bool, comment: str, revision: int },
          ['reasonableCost', 'support'],
        ),
      },
      panelFigure: money,
      payment: trail({ amount: money, reference: str }, ['amount', 'reference']),
      links,
    },
    ['applicant', 'year', 'panel', 'opinions', 'links'],
  ),
  InspectionData: obj(
    {
      planId: str,
      planName: str,
      planKind: str,
      year: int,
      institution: obj({ id: str, code: str, name: str, type: str }, ['id', 'code', 'name']),
      team: arr(obj({ userId: str }, ['userId'])),
      ownerId: str,
      confidential: bool,
      findings: trail(
        {
          conclusion: { type: 'string', enum: ['NO_ISSUE', 'ISSUES', 'SUSPECTED_FRAUD'] },
          findings: arr(obj({ article: int, description: str, amount: money })),
          revision: int,
        },
        ['conclusion', 'findings'],
      ),
      links,
    },
    ['planId', 'institution', 'team', 'links'],
  ),
  PenaltyCaseData: obj(
    {
      institution: obj({}),
      // Decree 735 art. 41: an insured person as the party (ID and phone masked outside the case view).
      person: obj({ idNumber: str, name: str, phone: str }, ['idNumber', 'name']),
      respondent: { type: 'string', enum: ['INSTITUTION', 'INDIVIDUAL'] },
      hearingSchedule: trail({ date: str, presidingOfficerId: str, earliestDate: str }, [
        'date',
        'presidingOfficerId',
      ]),
      source: str,
      summary: str,
      violations: arr(obj({ article: int, lossAmount: money, fraudAmount: money })),
      proposedSanctions: arr(sanction),
      sanctions: arr(sanction),
      payments: arr(obj({})),
      lateFee: money,
      links,
    },
    ['source', 'summary', 'proposedSanctions', 'sanctions', 'links'],
  ),
};

/** `CaseView.data`: one of the workflows' shapes (each open to more fields), or any case's common part. */
export const CASE_DATA: JsonSchema = {
  description:
    "The case's data: the workflow's context, with `links` to related cases. The shape " +
    'depends on `type` (relief-application, hardship-hearing, inspection, penalty-case).',
  anyOf: [
    ...Object.keys(CASE_DATA_SCHEMAS).map((name) => ({ $ref: `#/components/schemas/${name}` })),
    { $ref: '#/components/schemas/CaseDataCommon' },
  ],
};

/** What every case's data has, whatever its workflow (a test workflow included). */
export const CASE_DATA_COMMON: JsonSchema = obj({ links }, ['links']);
