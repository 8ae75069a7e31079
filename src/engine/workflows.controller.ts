import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  list(): Array<{ type: string; title: string; version: number }> {
    return this.registry.types().map((type) => {
      const d = this.registry.latest(type);
      return { type: d.type, title: d.title, version: d.version };
    });
  }

  @Get(':type')
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
  diagram(@Param('type') type: string): string {
    return toMermaid(this.registry.latest(type).machine);
  }
}
