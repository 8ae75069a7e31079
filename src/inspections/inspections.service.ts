import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  defaultPublicationSummary,
  type InspectionInput,
  inspectionWorkflow,
} from '../../workflows/inspection.machine';
import { type PenaltyCaseInput, penaltyCaseWorkflow } from '../../workflows/penalty-case.machine';
import { shanghaiDate } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import type { Page } from '../common/pagination/pagination.dto';
import { PolicyService } from '../config/policy.service';
import type { Actor } from '../engine/actor';
import { CaseEngine } from '../engine/case-engine.service';
import { CaseQueryService } from '../engine/case-query.service';
import { caseInput, linkedCase } from '../engine/case-data';
import { defineHooks, type HookContextOf, type HookResultOf } from '../engine/define-hooks';
import { EventHandlerRegistry } from '../engine/event-handlers';
import { WorkflowRegistry } from '../engine/workflow-registry';
import { InstitutionsService } from '../institutions/institutions.service';
import { UsersService } from '../users/users.service';
import {
  drawInspection,
  INSPECTION_DRAW_ALGORITHM,
  type InspectionDrawRecord,
  type PreviousTeam,
  verifyInspectionDraw,
} from './draw-inspection';
import type { CreateInspectionPlanDto } from './dto/inspection.dto';
import { InspectionDrawEntity } from './entities/inspection-draw.entity';
import { InspectionPlanEntity } from './entities/inspection-plan.entity';
import { InspectionResultEntity } from './entities/inspection-result.entity';
import { INSPECTION_EVENT_PAYLOADS } from './inspection-events';

export const INSPECTION_TYPE = inspectionWorkflow.type;
export const PENALTY_TYPE = penaltyCaseWorkflow.type;

/** What the inspection hook of event E receives, and what it returns (typed by the machine). */
type InspectionHook<E extends string> = HookContextOf<typeof INSPECTION_EVENT_PAYLOADS, E>;
type InspectionHookResult<E extends string> = HookResultOf<typeof INSPECTION_EVENT_PAYLOADS, E>;

export interface PlanView {
  id: string;
  name: string;
  year: number;
  kind: InspectionPlanEntity['kind'];
  sampleRatio: string | null;
  sampleSize: number | null;
  institutionTypes: string[] | null;
  teamSize: number;
  windowDays: number | null;
  ownerId: string;
  createdAt: string;
  drawnAt: string | null;
}

/**
 * The draw of docs/api.md "Hearings, inspections, penalties", with what anyone needs to re-run it
 * (the whole record) beside it.
 */
export interface DrawView {
  planId: string;
  seed: string;
  algorithm: string;
  institutions: Array<{ id: string; code: string }>;
  teams: Array<{ institutionId: string; inspectorIds: string[] }>;
  caseIds: string[];
  institutionsHash: string;
  inspectorsHash: string;
  previousHash: string;
  weights: InspectionDrawRecord['weights'];
  sampleSize: number;
  drawnAt: string;
  record: InspectionDrawRecord;
  /** true when `record.previous` names a secret flight plan's targets and is left out. */
  previousWithheld: boolean;
}

export interface PublicResultView {
  institutionCode: string;
  institutionName: string;
  district: string | null;
  year: number;
  kind: string;
  inspectedOn: string;
  conclusion: string;
  findingsSummary: string;
  sanctions: InspectionResultEntity['sanctions'];
  publishedAt: string;
}

function planView(p: InspectionPlanEntity): PlanView {
  return {
    id: p.id,
    name: p.name,
    year: p.year,
    kind: p.kind,
    sampleRatio: p.sampleRatio,
    sampleSize: p.sampleSize,
    institutionTypes: p.institutionTypes,
    teamSize: p.teamSize,
    windowDays: p.windowDays,
    ownerId: p.ownerId,
    createdAt: p.createdAt.toISOString(),
    drawnAt: p.drawnAt?.toISOString() ?? null,
  };
}

/**
 * `previousWithheld`: the previous plan's teams (回避 input) belong to a FLIGHT plan still secret
 * to the caller, so `record.previous` is left out (the stored draw still verifies in full).
 */
function drawView(d: InspectionDrawEntity, previousWithheld = false): DrawView {
  const r = previousWithheld ? { ...d.record, previous: [] } : d.record;
  return {
    planId: d.planId,
    seed: r.seed,
    algorithm: r.algorithm,
    institutions: r.institutions.map((i) => ({ id: i.id, code: i.code })),
    teams: r.teams.map((t) => ({ institutionId: t.institutionId, inspectorIds: t.inspectorIds })),
    caseIds: d.caseIds,
    institutionsHash: r.institutionsHash,
    inspectorsHash: r.inspectorsHash,
    previousHash: r.previousHash,
    weights: r.weights,
    sampleSize: r.sampleSize,
    drawnAt: d.drawnAt.toISOString(),
    record: r,
    previousWithheld,
  };
}

/**
 * Double random, one public (双随机一公开): plans, the seeded draw that opens one inspection case
 * per drawn institution with its team, the inspection hooks (penalty referrals, publication) and
 * the public results.
 */
@Injectable()
export class InspectionsService implements OnModuleInit {
  /** Verifications of stored draws (immutable), by plan, record hash and draw time. */
  private readonly verified = new Map<string, ReturnType<typeof verifyInspectionDraw>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueryService,
    private readonly handlers: EventHandlerRegistry,
    private readonly registry: WorkflowRegistry,
    private readonly policy: PolicyService,
    private readonly institutions: InstitutionsService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.handlers.registerHooks(
      defineHooks(INSPECTION_EVENT_PAYLOADS, {
        CONFIRM: (ctx) => this.onConfirm(ctx),
        DEADLINE_RECTIFICATION: (ctx) => this.referToPenalty(ctx, 'RECTIFICATION_UNANSWERED'),
        RECHECK_FAILED: (ctx) => this.referToPenalty(ctx, 'RECHECK_FAILED'),
        PUBLISH: (ctx) => this.onPublish(ctx),
      }),
    );
  }

  // ---------------------------------------------------------------- plans

  async createPlan(dto: CreateInspectionPlanDto, actor: Actor): Promise<PlanView> {
    if ((dto.sampleRatio === undefined) === (dto.sampleSize === undefined)) {
      throw DomainError.validation([
        { field: 'sampleRatio', message: 'give exactly one of sampleRatio and sampleSize' },
      ]);
    }
    const plan = Object.assign(new InspectionPlanEntity(), {
      id: randomUUID(),
      name: dto.name,
      year: dto.year,
      kind: dto.kind,
      sampleRatio: dto.sampleRatio ?? null,
      sampleSize: dto.sampleSize ?? null,
      institutionTypes: dto.institutionTypes?.length ? dto.institutionTypes : null,
      teamSize: dto.teamSize,
      windowDays: dto.windowDays ?? null,
      ownerId: actor.id,
      createdAt: new Date(),
      drawnAt: null,
    });
    await this.dataSource.getRepository(InspectionPlanEntity).insert(plan);
    return planView(plan);
  }

  async listPlans(q: { year?: number; page: number; pageSize: number }): Promise<Page<PlanView>> {
    const [rows, total] = await this.dataSource.getRepository(InspectionPlanEntity).findAndCount({
      where: q.year ? { year: q.year } : {},
      order: { createdAt: 'DESC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(planView), total, page: q.page, pageSize: q.pageSize };
  }

  async getPlan(id: string): Promise<PlanView> {
    return planView(await this.findPlan(this.dataSource.manager, id));
  }

  // ---------------------------------------------------------------- the draw

  /**
   * Draws a plan once: institutions weighted by credit grade, then a team for each, from the
   * directory as it is now; stores the record and opens one inspection case per institution, all
   * in one transaction (a second draw waits on the plan's row lock and gets 409).
   */
  async draw(planId: string, seed: string | undefined, actor: Actor): Promise<DrawView> {
    const stored = await this.dataSource.transaction(async (m) => {
      const plan = await this.findPlan(m, planId, true);
      if (plan.kind === 'FLIGHT' && plan.ownerId !== actor.id) {
        throw DomainError.forbidden("Only the plan's owner draws a FLIGHT plan.");
      }
      if (plan.drawnAt !== null) {
        throw new DomainError(
          'CONFLICT',
          'This plan was drawn already: GET the same path for the stored draw.',
          { drawnAt: plan.drawnAt.toISOString() },
        );
      }
      const drawnAt = new Date();
      const directory = await this.institutions.directory(m, plan.institutionTypes ?? undefined);
      const record = drawInspection({
        // Without a public value announced beforehand, the seed is derived from public facts
        // of the draw itself (plan id and time), and recorded like any other.
        seed: seed ?? `${plan.id}@${drawnAt.toISOString()}`,
        planId: plan.id,
        sample:
          plan.sampleRatio !== null ? { ratio: plan.sampleRatio } : { size: plan.sampleSize! },
        ...(plan.institutionTypes ? { institutionTypes: plan.institutionTypes } : {}),
        teamSize: plan.teamSize,
        weights: this.policy.penalty().credit.drawWeights,
        institutions: directory.map((i) => ({
          id: i.id,
          code: i.code,
          type: i.type,
          grade: i.grade,
        })),
        inspectors: await this.users.inspectors(),
        previous: await this.previousTeams(m, plan),
      });
      const byId = new Map(directory.map((i) => [i.id, i]));
      const caseIds: string[] = [];
      for (const team of record.teams) {
        const institution = byId.get(team.institutionId)!;
        const input: InspectionInput = {
          planId: plan.id,
          planName: plan.name,
          planKind: plan.kind,
          year: plan.year,
          institution: {
            id: institution.id,
            code: institution.code,
            name: institution.name,
            type: institution.type,
            district: institution.district,
          },
          team: team.inspectorIds.map((userId) => ({ userId })),
          ownerId: plan.ownerId,
          ...(plan.windowDays !== null ? { windowDays: plan.windowDays } : {}),
          links: [],
        };
        const opened = await this.engine.openCase({
          type: INSPECTION_TYPE,
          input: caseInput(inspectionWorkflow, input),
          actor,
          manager: m,
        });
        caseIds.push(opened.id);
      }
      const row = Object.assign(new InspectionDrawEntity(), {
        planId: plan.id,
        algorithm: record.algorithm,
        seed: record.seed,
        institutionsHash: record.institutionsHash,
        record,
        caseIds,
        drawnBy: actor.id,
        drawnAt,
      });
      await m.insert(InspectionDrawEntity, row);
      await m.update(InspectionPlanEntity, { id: plan.id }, { drawnAt });
      return row;
    });
    return drawView(stored, await this.previousIsSecret(stored, actor));
  }

  async getDraw(planId: string, actor: Actor | null): Promise<DrawView> {
    const draw = await this.visibleDraw(planId, actor);
    return drawView(draw, await this.previousIsSecret(draw, actor));
  }

  /**
   * A draw copies the teams of the previous plan of its kind (回避): for a FLIGHT plan those are
   * another flight plan's targets and inspectors, secret until its teams arrive, to everyone but
   * its owner (飞行检查 must not leak through the next plan's draw).
   */
  private async previousIsSecret(
    draw: InspectionDrawEntity,
    actor: Actor | null,
  ): Promise<boolean> {
    if (draw.record.previous.length === 0) {
      return false;
    }
    const plan = await this.findPlan(this.dataSource.manager, draw.planId);
    const previous = await this.dataSource
      .getRepository(InspectionPlanEntity)
      .createQueryBuilder('p')
      .where('p.kind = :kind AND p.drawn_at IS NOT NULL AND p.drawn_at < :at AND p.id <> :id', {
        kind: plan.kind,
        at: draw.drawnAt,
        id: plan.id,
      })
      .orderBy('p.drawn_at', 'DESC')
      .getOne();
    if (!previous || previous.kind !== 'FLIGHT' || previous.ownerId === actor?.id) {
      return false;
    }
    const previousDraw = await this.dataSource
      .getRepository(InspectionDrawEntity)
      .findOneBy({ planId: previous.id });
    return this.cases.anyRestricted(previousDraw?.caseIds ?? []);
  }

  /** Re-runs the stored draw from its published inputs alone. */
  async verifyDraw(
    planId: string,
    actor: Actor | null,
  ): Promise<{ matches: boolean; mismatches: string[]; algorithm: string }> {
    const draw = await this.visibleDraw(planId, actor);
    // A stored draw never changes: re-running it (~250 ms of CPU for 100k institutions) once per
    // draw and process is enough, however often anyone without an account asks.
    const key = `${draw.planId}:${draw.institutionsHash}:${draw.drawnAt.toISOString()}`;
    let result = this.verified.get(key);
    if (!result) {
      result = verifyInspectionDraw(draw.record);
      if (this.verified.size >= VERIFIED_CACHE_SIZE) {
        this.verified.delete(this.verified.keys().next().value!);
      }
      this.verified.set(key, result);
    }
    return { ...result, algorithm: INSPECTION_DRAW_ALGORITHM };
  }

  // ---------------------------------------------------------------- public results

  async publicResults(q: {
    year?: number;
    district?: string;
    page: number;
    pageSize: number;
  }): Promise<Page<PublicResultView>> {
    const [rows, total] = await this.dataSource.getRepository(InspectionResultEntity).findAndCount({
      where: {
        ...(q.year ? { year: q.year } : {}),
        ...(q.district ? { district: q.district } : {}),
      },
      order: { publishedAt: 'DESC', caseId: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return {
      items: rows.map((r) => ({
        institutionCode: r.institutionCode,
        institutionName: r.institutionName,
        district: r.district,
        year: r.year,
        kind: r.kind,
        inspectedOn: r.inspectedOn,
        conclusion: r.conclusion,
        findingsSummary: r.findingsSummary,
        sanctions: r.sanctions,
        publishedAt: r.publishedAt.toISOString(),
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  // ---------------------------------------------------------------- hooks

  /** CONFIRM of SUSPECTED_FRAUD: the case waits on a penalty case, opened after the commit. */
  private async onConfirm(ctx: InspectionHook<'CONFIRM'>): Promise<void> {
    if (ctx.caseRow.data.findings?.conclusion === 'SUSPECTED_FRAUD') {
      await this.referToPenalty(ctx, 'SUSPECTED_FRAUD');
    }
  }

  /**
   * A penalty case for the institution, linked both ways and opened by the worker once the
   * inspection's event commits (never lost, never twice). An unanswered rectification or a
   * failed re-check is a refusal to correct (Decree 735 art. 38/39: the ladder climbs).
   */
  private referToPenalty(
    {
      caseRow: { id, data },
      openLinkedCase,
    }: Pick<InspectionHook<'CONFIRM'>, 'caseRow' | 'openLinkedCase'>,
    reason: 'SUSPECTED_FRAUD' | 'RECTIFICATION_UNANSWERED' | 'RECHECK_FAILED',
  ): Promise<void> {
    if (!this.registry.types().includes(PENALTY_TYPE)) {
      return Promise.resolve(); // the machine's penaltyReferral keeps the referral on record
    }
    const input: PenaltyCaseInput = {
      institution: {
        id: data.institution.id,
        code: data.institution.code,
        name: data.institution.name,
      },
      respondent: 'INSTITUTION',
      source: 'INSPECTION',
      summary: `${data.planName}: ${reasonText[reason]}`,
      inspectionCaseId: id,
      refusedToCorrect: reason !== 'SUSPECTED_FRAUD',
      findings: data.findings?.findings ?? [],
      links: [],
    };
    openLinkedCase(
      linkedCase(penaltyCaseWorkflow, {
        rel: PENALTY_TYPE,
        backRel: INSPECTION_TYPE,
        input,
        streetCode: null,
      }),
    );
    return Promise.resolve();
  }

  /**
   * PUBLISH (一公开): the result goes on the public list and into the institution's credit
   * record. The summary is the manager's or one built from the findings, never personal data.
   */
  private async onPublish({
    caseRow,
    event,
    manager,
    now,
  }: InspectionHook<'PUBLISH'>): Promise<InspectionHookResult<'PUBLISH'>> {
    const { data } = caseRow;
    const summary = event.summary ?? defaultPublicationSummary(data);
    const conclusion = data.findings?.conclusion ?? 'NO_ISSUE';
    const result = Object.assign(new InspectionResultEntity(), {
      caseId: caseRow.id,
      planId: data.planId,
      year: data.year,
      district: data.institution.district,
      institutionCode: data.institution.code,
      institutionName: data.institution.name,
      kind: data.planKind,
      inspectedOn: shanghaiDate(new Date(data.onSite?.at ?? now.toISOString())),
      conclusion,
      findingsSummary: summary,
      sanctions: data.penalty?.sanctions ?? [],
      publishedAt: now,
    });
    await manager.insert(InspectionResultEntity, result);
    await this.institutions.recordCredit(manager, {
      institutionId: data.institution.id,
      kind: 'INSPECTION',
      sourceCaseId: caseRow.id,
      detail: { conclusion },
      occurredAt: now,
    });
    return { summary };
  }

  // ---------------------------------------------------------------- helpers

  private async findPlan(
    m: EntityManager,
    id: string,
    lock = false,
  ): Promise<InspectionPlanEntity> {
    const plan = /^[0-9a-f-]{36}$/i.test(id)
      ? await m.findOne(InspectionPlanEntity, {
          where: { id },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!plan) {
      throw DomainError.notFound('Inspection plan');
    }
    return plan;
  }

  /**
   * The stored draw, if the caller may see it: everyone may see a published draw (一公开), but a
   * FLIGHT draw names its targets, so only the owner sees it until every team has arrived.
   */
  private async visibleDraw(planId: string, actor: Actor | null): Promise<InspectionDrawEntity> {
    const plan = await this.findPlan(this.dataSource.manager, planId);
    const draw = await this.dataSource
      .getRepository(InspectionDrawEntity)
      .findOneBy({ planId: plan.id });
    if (!draw) {
      throw DomainError.notFound('Draw of this plan');
    }
    if (
      plan.kind === 'FLIGHT' &&
      plan.ownerId !== actor?.id &&
      (await this.cases.anyRestricted(draw.caseIds))
    ) {
      throw DomainError.notFound('Draw of this plan');
    }
    return draw;
  }

  /** The teams of the previous drawn plan of the same kind ("previous cycle", 回避). */
  private async previousTeams(
    m: EntityManager,
    plan: InspectionPlanEntity,
  ): Promise<PreviousTeam[]> {
    const previous = await m
      .createQueryBuilder(InspectionPlanEntity, 'p')
      .where('p.kind = :kind AND p.drawn_at IS NOT NULL AND p.id <> :id', {
        kind: plan.kind,
        id: plan.id,
      })
      .orderBy('p.drawn_at', 'DESC')
      .getOne();
    if (!previous) {
      return [];
    }
    const draw = await m.findOneBy(InspectionDrawEntity, { planId: previous.id });
    return (draw?.record.teams ?? []).map((t) => ({
      institutionCode: t.institutionCode,
      inspectorIds: t.inspectorIds,
    }));
  }
}

/** Stored draws whose verification is kept (the oldest goes first). */
const VERIFIED_CACHE_SIZE = 500;

const reasonText = {
  SUSPECTED_FRAUD: '检查发现涉嫌欺诈骗保 (suspected fraud)',
  RECTIFICATION_UNANSWERED: '逾期未整改 (rectification not submitted in time)',
  RECHECK_FAILED: '复查未通过 (re-check failed)',
} as const;
