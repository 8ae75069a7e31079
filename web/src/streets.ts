import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api/client';

/** The district's street offices (`GET /api/v1/streets`): names for codes, everywhere. */
export function useStreets() {
  return useQuery({
    queryKey: ['streets'],
    queryFn: () => unwrap(api.GET('/api/v1/streets')),
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

/** `330106001` -> `北山街道`; an unknown code shows as itself, none as 区级 (district level). */
export function useStreetName(): (code: string | null | undefined) => string {
  const streets = useStreets();
  const names = new Map((streets.data ?? []).map((s) => [s.code, s.name]));
  return (code) => (code ? (names.get(code) ?? code) : '区级');
}
