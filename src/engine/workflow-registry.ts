import { Injectable } from '@nestjs/common';
import { WORKFLOWS } from '../../workflows';
import type { WorkflowDefinition } from '../../workflows/workflow-definition';
import { DomainError } from '../common/errors/domain-error';

/**
 * Machines by type and version. A case keeps the version it started on; new cases take the one
 * the policy's `workflowVersions` puts in force on the day (`TransitionPipeline.definitionToOpen`),
 * so adding a version never breaks running cases.
 */
@Injectable()
export class WorkflowRegistry {
  private readonly byType = new Map<string, Map<number, WorkflowDefinition>>();

  constructor() {
    for (const definition of WORKFLOWS) {
      this.register(definition);
    }
  }

  register(definition: WorkflowDefinition): void {
    const versions = this.byType.get(definition.type) ?? new Map<number, WorkflowDefinition>();
    versions.set(definition.version, definition);
    this.byType.set(definition.type, versions);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  all(): WorkflowDefinition[] {
    return [...this.byType.values()].flatMap((v) => [...v.values()]);
  }

  /** The registered versions of a type, oldest first (404 for an unknown type). */
  versions(type: string): number[] {
    const versions = this.byType.get(type);
    if (!versions || versions.size === 0) {
      throw DomainError.notFound(`Workflow type "${type}"`);
    }
    return [...versions.keys()].sort((a, b) => a - b);
  }

  latest(type: string): WorkflowDefinition {
    const versions = this.byType.get(type);
    if (!versions || versions.size === 0) {
      throw DomainError.notFound(`Workflow type "${type}"`);
    }
    return versions.get(Math.max(...versions.keys()))!;
  }

  get(type: string, version: number): WorkflowDefinition {
    const definition = this.byType.get(type)?.get(version);
    if (!definition) {
      throw DomainError.notFound(`Workflow "${type}" version ${version}`);
    }
    return definition;
  }
}
