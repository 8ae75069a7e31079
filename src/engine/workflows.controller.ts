import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../openapi/problems';
import { WorkflowSummary } from './dto/workflow-summary.dto';
import { PolicyService } from '../config/policy.service';
import { describeStates, toMermaid } from './machine-introspection';
import { WorkflowRegistry } from './workflow-registry';

/** What a workflow is, generated from its machine: states, events, roles, deadlines, diagram. */
@ApiTags('workflows')
@ApiBearerAuth()
@Controller('api/v1/workflows')
export class WorkflowsController {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly policy: PolicyService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listWorkflows',
    summary: 'The workflows and their newest versions',
  })
  @ApiOkResponse({ type: [WorkflowSummary] })
  list(): WorkflowSummary[] {
    return this.registry.types().map((type) => {
      const d = this.registry.latest(type);
      return { type: d.type, title: d.title, version: d.version };
    });
  }

  @Get(':type')
  @ApiOperation({
    operationId: 'getWorkflow',
    summary: 'One workflow: states, events, roles, deadlines (流程定义)',
  })
  @ApiProblems(404)
  describe(@Param('type') type: string): unknown {
    const d = this.registry.latest(type);
    return {
      type: d.type,
      title: d.title,
      version: d.version,
      states: describeStates(d.machine).map((s) => ({
        ...s,
        label: d.stateLabels?.[s.name] ?? null,
        events: Object.fromEntries(
          Object.entries(d.permissions[s.name] ?? {}).map(([event, p]) => [event, p]),
        ),
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
  @Header('content-type', 'text/plain; charset=utf-8')
  @ApiOperation({
    operationId: 'getWorkflowDiagram',
    summary: 'The workflow as a Mermaid state diagram',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ schema: { type: 'string', example: 'stateDiagram-v2\n  [*] --> submitted' } })
  @ApiProblems(404)
  diagram(@Param('type') type: string): string {
    return toMermaid(this.registry.latest(type).machine);
  }
}
