import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, type EntityManager, In, type SelectQueryBuilder } from 'typeorm';
import { deferWrite } from '../database/write-behind';
import { DomainError } from '../common/errors/domain-error';
import { maskPersonalData } from '../common/masking';
import { personKey } from '../common/person-key';
import type { Page } from '../common/pagination/pagination.dto';
import { type Actor, CASE_READER_ROLES, hasAnyRole } from './actor';
import { verifyChain } from './audit/audit-chain';
import { CaseEngine } from './case-engine.service';
import { canSeeCase, canSeePersonalData, isStreetBound, readsWorkflow } from './case-access';
import type {
  CaseEventView,
  CaseListQuery,
  CaseView,
  ChainVerification,
  DeadlineView,
  TasksQuery,
} from './dto/case.dto';
import { CaseEventEntity } from './entities/case-event.entity';
import { CasePersonEntity } from './entities/case-person.entity';
import { CaseEntity } from './entities/case.entity';
import { OPEN_DEADLINES_INDEX } from './persistence/deadline-repository';
import { keepsRelated, KnownRelated, type RelatedRow } from './persistence/related-rows';
import { WorkflowRegistry } from './workflow-registry';
import { UsersService } from '../users/users.service';

/**
 * The open deadlines and the links of the cases `IN (?)` (the ids given twice): for the cases a view
 * shows, and for a transition's answer when they cannot be worked out (prefetchRelated); by the
 * index of a case's deadlines (OPEN_DEADLINES_INDEX says why).
 */
const RELATED_SQL = `SELECT 'd' AS what, case_id, name, kind, due_at, status, NULL AS linked_case_id
    FROM case_deadlines FORCE INDEX (${OPEN_DEADLINES_INDEX})
   WHERE case_id IN (?) AND closed_at IS NULL AND status IN ('pending', 'overdue')
  UNION ALL
  SELECT 'l', case_id, rel, NULL, NULL, NULL, linked_case_id
    FROM case_links WHERE case_id IN (?)
  ORDER BY due_at`;

/** The read side of the engine: case views, lists, the task inbox, history and its verification. */
@Injectable()
export class CaseQueryService {
  /** What a transition read for its answer with its own COMMIT (see prefetchRelated). */
  private readonly prefetched = new WeakMap<CaseEntity, readonly RelatedRow[]>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: WorkflowRegistry,
    private readonly engine: CaseEngine,
    private readonly users: UsersService,
    /** The open deadlines and links of the cases this process answered for lately, by version. */
    private readonly known: KnownRelated,
  ) {}

  /** A case the actor may see, or 404 (an existing case outside the caller's scope is "not found"). */
  async visibleCase(id: string, actor: Actor): Promise<CaseEntity> {
    const row = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.dataSource.getRepository(CaseEntity).findOneBy({ id })
      : null;
    if (!row || !canSeeCase(this.registry.get(row.type, row.machineVersion), row, actor)) {
      throw DomainError.notFound('Case');
    }
    return row;
  }

  /** The cases about a person (`case_persons`, by person key), newest first, that the actor sees. */
  casesOfPerson(idNumber: string, actor: Actor): Promise<CaseEntity[]> {
    return this.casesOfPersonKey(personKey(idNumber), actor);
  }

  /** The same by the person key (common/person-key.ts): links carry no resident ID. */
  async casesOfPersonKey(key: string, actor: Actor): Promise<CaseEntity[]> {
    const rows = await this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .innerJoin(CasePersonEntity, 'p', 'p.case_id = c.id')
      .where('p.person_key = :key', { key })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .getMany();
    return rows.filter((r) => canSeeCase(this.registry.get(r.type, r.machineVersion), r, actor));
  }

  /** Is any of these cases still confidential (e.g. a FLIGHT inspection not yet started)? */
  async anyRestricted(ids: readonly string[]): Promise<boolean> {
    if (ids.length === 0) {
      return false;
    }
    const count = await this.dataSource
      .getRepository(CaseEntity)
      .count({ where: { id: In([...ids]), restricted: true } });
    return count > 0;
  }

  async getCase(id: string, actor: Actor): Promise<CaseView> {
    return this.viewOf(await this.visibleCase(id, actor), actor);
  }

  /**
   * Inside a transition's transaction, after its writes: the answer's deadlines and links. Worked
   * out without a read when this process knows the case's rows at the version it had before and
   * the transaction only ended and started deadlines (related-rows.ts); else read in the packet
   * that carries the COMMIT (write-behind), not in a round trip of its own after it. The
   * transaction sees its own writes, so the answer is the committed case.
   */
  async prefetchRelated(m: EntityManager, row: CaseEntity): Promise<void> {
    const { id, version } = row;
    const keep = keepsRelated(this.registry.get(row.type, row.machineVersion));
    const worked = keep ? this.known.workOut(m, id, version) : undefined;
    if (worked) {
      this.prefetched.set(row, worked);
      return;
    }
    let read: RelatedRow[] | undefined;
    if (keep) {
      this.known.setWhenCommitted(m, id, version, () => read);
    }
    await deferWrite(m, RELATED_SQL, [[id], [id]], (result) => {
      read = result as RelatedRow[];
      this.prefetched.set(row, read);
    });
  }

  /** The view of a row already read (e.g. the one a transition just wrote), or 404 if not visible. */
  async viewOf(row: CaseEntity, actor: Actor): Promise<CaseView> {
    const [view] = await this.toViews([row], actor, canSeePersonalData(row, actor));
    if (!view) {
      throw DomainError.notFound('Case');
    }
    return view;
  }

  async list(q: CaseListQuery, actor: Actor): Promise<Page<CaseView>> {
    const qb = this.dataSource.getRepository(CaseEntity).createQueryBuilder('c');
    this.scopeToActor(qb, actor);
    this.narrow(qb, q);
    if (q.status) {
      qb.andWhere('c.status = :status', { status: q.status });
    }
    if (q.assignee) {
      qb.andWhere('c.assignee_id = :assignee', { assignee: q.assignee });
    }
    qb.orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'ASC');
    qb.skip((q.page - 1) * q.pageSize).take(q.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return {
      items: await this.toViews(rows, actor, false),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  /**
   * The caller's inbox: active cases in a state where one of the caller's roles may send an
   * event, within the caller's scope, earliest deadline first; `assignee` narrows it to the
   * cases assigned to the caller (`me`, it follows reassignment) or to nobody (`unassigned`).
   */
  async tasks(actor: Actor, q: TasksQuery): Promise<Page<CaseView>> {
    const { page, pageSize, assignee } = q;
    // Per (workflow, version, state): the caller may act there if one of its roles may send an
    // event and the event's scope holds (member of the team/panel, own street when street-bound).
    // All of it in SQL, so the inbox is paged by the database, not in memory.
    const member =
      'EXISTS (SELECT 1 FROM case_members tm WHERE tm.case_id = c.id AND tm.user_id = :taskUser)';
    const clauses: string[] = [];
    const params: Record<string, unknown> = { taskUser: actor.id, taskStreet: actor.streetCode };
    for (const definition of this.registry.all()) {
      for (const [state, events] of Object.entries(definition.permissions)) {
        const scopes = new Set<string>();
        for (const p of Object.values(events)) {
          const roles = p.roles.filter((r) => r !== 'system');
          if (!roles.some((r) => actor.roles.includes(r))) {
            continue;
          }
          if (p.scope !== undefined && typeof p.scope === 'object') {
            scopes.add(member);
          } else if (p.scope === 'street' && isStreetBound(actor, roles)) {
            scopes.add(actor.streetCode ? 'c.street_code = :taskStreet' : '1 = 0');
          } else {
            scopes.add('1 = 1');
          }
        }
        if (scopes.size > 0) {
          const i = clauses.length;
          params[`tt${i}`] = definition.type;
          params[`tv${i}`] = definition.version;
          params[`ts${i}`] = state;
          clauses.push(
            `(c.type = :tt${i} AND c.machine_version = :tv${i} AND c.state = :ts${i} AND (${[...scopes].join(' OR ')}))`,
          );
        }
      }
    }
    if (clauses.length === 0) {
      return { items: [], total: 0, page, pageSize };
    }
    const qb = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .where("c.status = 'active'");
    this.scopeToActor(qb, actor);
    if (assignee === 'me') {
      qb.andWhere('c.assignee_id = :me', { me: actor.id });
    } else if (assignee === 'unassigned') {
      qb.andWhere('c.assignee_id IS NULL');
    }
    this.narrow(qb, q);
    qb.andWhere(`(${clauses.join(' OR ')})`, params);
    qb.addSelect(
      `(SELECT MIN(d.due_at) FROM case_deadlines d WHERE d.case_id = c.id AND d.closed_at IS NULL)`,
      'next_due',
    );
    qb.orderBy('next_due IS NULL', 'ASC')
      .addOrderBy('next_due', 'ASC')
      .addOrderBy('c.created_at', 'ASC');
    const total = await qb.clone().orderBy().getCount();
    const rows = await qb
      .offset((page - 1) * pageSize)
      .limit(pageSize)
      .getMany();
    return { items: await this.toViews(rows, actor, false), total, page, pageSize };
  }

  async history(id: string, actor: Actor): Promise<CaseEventView[]> {
    const row = await this.visibleCase(id, actor);
    const events = await this.dataSource
      .getRepository(CaseEventEntity)
      .find({ where: { caseId: row.id }, order: { seq: 'ASC' } });
    const full = canSeePersonalData(row, actor);
    const names = await this.displayNames(events.map((e) => e.actor));
    return events.map((e) => ({
      seq: e.seq,
      type: e.type,
      actor: e.actor,
      actorName: names.get(e.actor) ?? null,
      at: e.at.toISOString(),
      from: e.fromState,
      to: e.toState,
      payload: full ? e.payload : maskPersonalData(e.payload),
    }));
  }

  /**
   * Recomputes the hash chain: each row's hash over its content and the previous row's hash. The
   * case row and its events are read in one consistent snapshot (REPEATABLE READ; the pool's
   * sessions run READ COMMITTED): an event committed between the two reads would otherwise show
   * as a broken chain ("version 7 but 8 events") to an auditor.
   */
  async verifyHistory(id: string, actor: Actor): Promise<ChainVerification> {
    const visible = await this.visibleCase(id, actor);
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const row = await m.getRepository(CaseEntity).findOneByOrFail({ id: visible.id });
      const events = await m
        .getRepository(CaseEventEntity)
        .find({ where: { caseId: row.id }, order: { seq: 'ASC' } });
      return verifyChain(row, events);
    });
  }

  /** Open and overdue cases per workflow and state, within the caller's scope (the dashboard's table). */
  async stats(
    actor: Actor,
  ): Promise<Array<{ type: string; state: string; open: number; overdue: number }>> {
    const qb = this.dataSource
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .select('c.type', 'type')
      .addSelect('c.state', 'state')
      .addSelect('COUNT(*)', 'open')
      .addSelect(
        `SUM(CASE WHEN EXISTS (SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.closed_at IS NULL
           AND (d.status = 'overdue' OR (d.status = 'pending' AND d.due_at < :now))) THEN 1 ELSE 0 END)`,
        'overdue',
      )
      .where("c.status = 'active'")
      .setParameter('now', new Date())
      .groupBy('c.type')
      .addGroupBy('c.state')
      .orderBy('c.type')
      .addOrderBy('c.state');
    this.scopeToActor(qb, actor);
    const rows: Array<{ type: string; state: string; open: string; overdue: string }> =
      await qb.getRawMany();
    return rows.map((r) => ({
      type: r.type,
      state: r.state,
      open: Number(r.open),
      overdue: Number(r.overdue),
    }));
  }

  /**
   * SQL-side scope: a street office sees its street; experts and inspectors the cases they are
   * members of; a workflow's readers (case-access.ts `readerRoles`) its cases, and AUDITOR every
   * case, but the restricted (confidential) ones they are no member of.
   */
  private scopeToActor(qb: SelectQueryBuilder<CaseEntity>, actor: Actor): void {
    const member =
      'EXISTS (SELECT 1 FROM case_members cm WHERE cm.case_id = c.id AND cm.user_id = :scopeUser)';
    qb.setParameter('scopeUser', actor.id);
    if (hasAnyRole(actor, CASE_READER_ROLES)) {
      qb.andWhere(`(c.restricted = 0 OR ${member})`);
      return;
    }
    const readable = this.registry
      .all()
      .filter((d) => readsWorkflow(d, actor))
      .map((d) => d.type);
    qb.andWhere(
      new Brackets((w) => {
        if (readable.length > 0) {
          w.orWhere('(c.type IN (:...scopeTypes) AND c.restricted = 0)', {
            scopeTypes: [...new Set(readable)],
          });
        }
        if (actor.roles.includes('STREET_OFFICE') && actor.streetCode) {
          w.orWhere('(c.street_code = :scopeStreet AND c.restricted = 0)', {
            scopeStreet: actor.streetCode,
          });
        }
        w.orWhere(member);
      }),
    );
  }

  /** The filters the case list and the inbox share: workflow, state, street, overdue. */
  private narrow(
    qb: SelectQueryBuilder<CaseEntity>,
    q: Pick<CaseListQuery, 'type' | 'state' | 'streetCode' | 'overdue'>,
  ): void {
    if (q.type) {
      qb.andWhere('c.type = :type', { type: q.type });
    }
    if (q.state) {
      qb.andWhere('c.state = :state', { state: q.state });
    }
    if (q.streetCode) {
      qb.andWhere('c.street_code = :street', { street: q.streetCode });
    }
    if (q.overdue !== undefined) {
      const sub = `SELECT 1 FROM case_deadlines d WHERE d.case_id = c.id AND d.closed_at IS NULL
                   AND (d.status = 'overdue' OR (d.status = 'pending' AND d.due_at < :now))`;
      qb.andWhere(q.overdue ? `EXISTS (${sub})` : `NOT EXISTS (${sub})`, { now: new Date() });
    }
  }

  /** User id -> display name for the ids given (`system` and unknown ids are left out). */
  private async displayNames(ids: ReadonlyArray<string | null>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id && id !== 'system'))];
    if (wanted.length === 0) {
      return new Map();
    }
    return this.users.displayNames(wanted);
  }

  async toViews(rows: CaseEntity[], actor: Actor, fullPersonalData: boolean): Promise<CaseView[]> {
    const visible = rows.filter((r) =>
      canSeeCase(this.registry.get(r.type, r.machineVersion), r, actor),
    );
    // One round trip for both: the open deadlines and the links of every case shown.
    const ids = visible.map((r) => r.id);
    const prefetched = visible.length === 1 ? this.prefetched.get(visible[0]) : undefined;
    const related =
      prefetched ??
      (ids.length === 0 ? [] : await this.dataSource.query<RelatedRow[]>(RELATED_SQL, [ids, ids]));
    const names = await this.displayNames(visible.map((r) => r.assigneeId));
    const deadlines = related.filter((r) => r.what === 'd');
    const links = related
      .filter((r) => r.what === 'l')
      .map((l) => ({ caseId: l.case_id, rel: l.name, linkedCaseId: String(l.linked_case_id) }));
    const now = Date.now();
    return visible.map((row) => {
      const ownLinks = links
        .filter((l) => l.caseId === row.id)
        .map((l) => ({ rel: l.rel, caseId: l.linkedCaseId }));
      const definition = this.registry.get(row.type, row.machineVersion);
      const snapshot = this.engine.rehydrate(definition.machine, row.snapshot);
      const own: DeadlineView[] = deadlines
        .filter((d) => d.case_id === row.id)
        .map((d) => {
          const dueAt = new Date(d.due_at!);
          return {
            name: d.name,
            kind: d.kind as DeadlineView['kind'],
            dueAt: dueAt.toISOString(),
            overdue: d.status === 'overdue' || dueAt.getTime() < now,
          };
        });
      return {
        id: row.id,
        type: row.type,
        machineVersion: row.machineVersion,
        state: row.state,
        status: row.status,
        version: row.version,
        streetCode: row.streetCode,
        assignee: row.assigneeId,
        assigneeName: row.assigneeId ? (names.get(row.assigneeId) ?? null) : null,
        allowedEvents: this.engine.allowedEventsFor(definition, row, snapshot, actor),
        deadlines: own,
        data: {
          ...(fullPersonalData ? row.data : maskPersonalData(row.data)),
          links: ownLinks,
        },
        policyVersion: row.policyVersion,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
      };
    });
  }
}
