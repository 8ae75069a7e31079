import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type PenaltyCaseContext,
  type PenaltyCaseInput,
  penaltyCaseWorkflow,
} from '../../workflows/penalty-case.machine';
import { DomainError } from '../common/errors/domain-error';
import type { OpenPenaltyCaseDto, PenaltyPersonDto } from './dto/penalty.dto';
import type { SanctionType, ViolationArticle } from '../../workflows/sanctions';
import { personKey } from '../common/person-key';
import { type CaseFound, CaseLookup } from '../engine/case-lookup';
import { isPenaltyContext } from './penalty-party';
import { parseInstant } from '../time/shanghai';
import type { LadderHistoryEntry } from './sanction-ladder';

/** One decided art. 41 case of a person, as the person view shows it. */
export interface PersonSanctionView {
  caseId: string;
  state: string;
  article: ViolationArticle;
  sanctions: SanctionType[];
  decidedAt: string;
  /** 暂停联网结算 (Decree 735 art. 41): from the decision's service for its months. */
  suspension: { months: number; from: string; until: string; running: boolean } | null;
  fine: string | null;
}

type PenaltyRow = CaseFound;

/**
 * The engine's input of an art. 41 case against an insured person (respondent INDIVIDUAL); the
 * resident ID is normalised by the DTO, and the case-person index files it under the person.
 */
export function personCaseInput(
  dto: Pick<OpenPenaltyCaseDto, 'source' | 'summary' | 'institutionId'>,
  person: PenaltyPersonDto,
): Record<string, unknown> {
  if (dto.institutionId !== undefined) {
    throw new DomainError(
      'BUSINESS_RULE',
      'A penalty case has one party: an institution or a person.',
      {
        errors: [{ field: 'person', message: 'not with institutionId' }],
      },
    );
  }
  const input: PenaltyCaseInput = {
    person: {
      idNumber: person.idNumber,
      name: person.name,
      ...(person.phone !== undefined ? { phone: person.phone } : {}),
    },
    respondent: 'INDIVIDUAL',
    source: dto.source,
    summary: dto.summary,
    refusedToCorrect: false,
    links: [],
  };
  return Object.fromEntries(Object.entries(input));
}

const SHANGHAI_MS = 8 * 3_600_000;

/**
 * The end (exclusive) of a suspension of `months` from an instant: 00:00 Asia/Shanghai of the
 * same day `months` later (served 1 June for 3 months: suspended until 1 September).
 */
export function suspensionEnd(from: Date, months: number): Date {
  const local = new Date(from.getTime() + SHANGHAI_MS);
  return new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + months, local.getUTCDate()) -
      SHANGHAI_MS,
  );
}

/**
 * The decided sanctions of an insured person's penalty cases (Decree 735 art. 41), found through
 * the case-person index: the ladder's history (a repeat within 2 years climbs it, as for
 * institutions) and the person view's list with a running suspension of networked settlement.
 */
@Injectable()
export class PersonPartyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cases: CaseLookup,
  ) {}

  /** The person's earlier decisions, for `proposeSanctions` (the case being investigated left out). */
  async history(
    m: EntityManager,
    idNumber: string,
    exceptCaseId: string,
  ): Promise<LadderHistoryEntry[]> {
    const rows = await this.decidedCases(m, idNumber);
    return rows.flatMap(({ row, data }) => {
      if (row.id === exceptCaseId || data.decision === undefined) {
        return [];
      }
      const articles = [...new Set(data.sanctions.map((s) => s.article))];
      return articles.map((article) => ({
        article,
        decidedAt: data.decision!.at,
        sanctions: [
          ...new Set(data.sanctions.filter((s) => s.article === article).map((s) => s.type)),
        ],
      }));
    });
  }

  /** Every decided sanction of the person, newest first, with a suspension still running now. */
  async sanctions(idNumber: string, now = new Date()): Promise<PersonSanctionView[]> {
    const rows = await this.decidedCases(this.dataSource.manager, idNumber);
    return rows
      .flatMap(({ row, data }): PersonSanctionView[] => {
        const decision = data.decision;
        if (decision === undefined) {
          return [];
        }
        const suspension = data.sanctions.find((s) => s.type === 'SUSPENSION');
        const served = parseInstant(decision.servedAt) ?? new Date(decision.at);
        const months = suspension?.months;
        const until = months !== undefined ? suspensionEnd(served, months) : null;
        const fine = data.sanctions.find((s) => s.type === 'FINE');
        return [
          {
            caseId: row.id,
            state: row.state,
            article: data.sanctions[0]?.article ?? 41,
            sanctions: [...new Set(data.sanctions.map((s) => s.type))],
            decidedAt: decision.at,
            suspension:
              months !== undefined && until !== null
                ? {
                    months,
                    from: served.toISOString(),
                    until: until.toISOString(),
                    running: served.getTime() <= now.getTime() && now.getTime() < until.getTime(),
                  }
                : null,
            fine: fine?.amount ?? null,
          },
        ];
      })
      .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt));
  }

  private async decidedCases(
    m: EntityManager,
    idNumber: string,
  ): Promise<Array<{ row: PenaltyRow; data: PenaltyCaseContext }>> {
    const rows = await this.cases.ofPerson(m, personKey(idNumber), {
      type: penaltyCaseWorkflow.type,
    });
    return rows.flatMap((row) => {
      const data: unknown = row.data;
      return isPenaltyContext(data) ? [{ row, data }] : [];
    });
  }
}
