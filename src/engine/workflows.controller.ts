import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { shanghaiDate } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import { ApiProblems } from '../openapi/problems';
import { PolicyService } from '../config/policy.service';
import { describeStateEvents, historyLabels } from '../events/event-catalog';
import { workflowVersions } from '../events/workflow-versions';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import { WorkflowDescriptionView, WorkflowSummaryView } from './dto/workflow.dto';
import { EventHandlerRegistry } from './event-handlers';
import { describeStates, toMermaid } from './machine-introspection';
import { WorkflowRegistry } from './workflow-registry';

const VERSION_QUERY = {
  name: 'version',
  required: false,
  type: Number,
  description: 'a version of the workflow; default: the newest in force',
} as const;

/** What a workflow is, generated from its machine: states, events, roles, deadlines, diagram. */
@ApiTags('workflows')
@ApiBearerAuth()
@Controller('api/v1/workflows')
export class WorkflowsController {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly handlers: EventHandlerRegistry,
    private readonly policy: PolicyService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listWorkflows',
    summary: 'The workflows and the versions in force',
  })
  @ApiOkResponse({ type: [WorkflowSummaryView] })
  list(): WorkflowSummaryView[] {
    return this.registry.types().map((type) => {
      const d = this.registry.get(type, this.versionsOf(type).inForce);
      return { type: d.type, title: d.title, version: d.version };
    });
  }

  /**
   * States with their zh-CN labels, and per state the events a caller may send with their
   * roles and JSON Schema (a form can be drawn from it); `eventLabels` names every history entry.
   */
  @Get(':type')
  @ApiOperation({
    operationId: 'getWorkflow',
    summary: 'One workflow: states, events with their schemas, roles, deadlines (流程定义)',
  })
  @ApiProblems(400, 404)
  @ApiQuery(VERSION_QUERY)
  @ApiOkResponse({ type: WorkflowDescriptionView })
  describe(
    @Param('type') type: string,
    @Query('version') version?: string,
  ): WorkflowDescriptionView {
    const { versions } = this.versionsOf(type);
    const d = this.pick(type, version);
    const payloads = this.handlers.payloadsOf(d.type);
    return {
      type: d.type,
      title: d.title,
      version: d.version,
      versions,
      eventLabels: historyLabels(d),
      states: describeStates(d.machine).map((s) => ({
        ...s,
        label: d.stateLabels?.[s.name] ?? null,
        events: describeStateEvents(d, s.name, payloads),
        deadline: d.deadlines[s.name]
          ? {
              duration: this.policy.deadlineFor(d.type, s.name) ?? null,
              onExpire: d.deadlines[s.name].onExpire,
              pausesSla: d.deadlines[s.name].pausesSla ?? false,
            }
          : null,
      })),
    };
  }

  @Get(':type/diagram')
  @ApiOperation({
    operationId: 'getWorkflowDiagram',
    summary: 'The workflow as a Mermaid state diagram',
  })
  @ApiProblems(400, 404)
  @ApiQuery(VERSION_QUERY)
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'a Mermaid state diagram', schema: { type: 'string' } })
  @Header('content-type', 'text/plain; charset=utf-8')
  diagram(@Param('type') type: string, @Query('version') version?: string): string {
    return toMermaid(this.pick(type, version).machine);
  }

  private versionsOf(type: string): ReturnType<typeof workflowVersions> {
    return workflowVersions(
      type,
      this.registry.versions(type),
      this.policy.current(),
      shanghaiDate(new Date()),
    );
  }

  /** `?version=`: a registered version (404 otherwise); none given: the one in force today. */
  private pick(type: string, version: string | undefined): WorkflowDefinition {
    const { inForce } = this.versionsOf(type);
    if (version === undefined || version === '') {
      return this.registry.get(type, inForce);
    }
    if (!/^[1-9]\d{0,5}$/.test(version)) {
      throw DomainError.validation([
        { field: 'version', message: 'version must be a positive whole number, e.g. 1' },
      ]);
    }
    return this.registry.get(type, Number(version));
  }
}
