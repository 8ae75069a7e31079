import { useQueries } from '@tanstack/react-query';
import { api, unwrap } from '../api/client';
import { fromApi, type WorkflowDescription } from '../api/types';
import { stateLabel, useWorkflows, workflowName } from './workflows';

/** Every workflow's description, for lists that mix workflows (names and state labels). */
export function useWorkflowIndex() {
  const list = useWorkflows();
  const types = (list.data ?? []).map((w) => w.type);
  const described = useQueries({
    queries: types.map((type) => ({
      queryKey: ['workflow', type],
      queryFn: async () =>
        fromApi<WorkflowDescription>(
          await unwrap(api.GET('/api/v1/workflows/{type}', { params: { path: { type } } })),
        ),
      staleTime: Infinity,
      gcTime: Infinity,
    })),
  });
  const byType = new Map<string, WorkflowDescription>();
  described.forEach((q) => q.data && byType.set(q.data.type, q.data));
  return {
    loading: list.isLoading || described.some((q) => q.isLoading),
    workflows: list.data ?? [],
    name: (type: string) => workflowName(list.data?.find((w) => w.type === type)?.title, type),
    state: (type: string, state: string) => stateLabel(byType.get(type), state),
    describe: (type: string) => byType.get(type),
  };
}
