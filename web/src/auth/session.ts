/**
 * The signed-in tab's token: in memory, mirrored to sessionStorage so a reload keeps the tab
 * signed in. Never localStorage (it outlives the tab and is shared by every tab of the origin).
 */
const KEY = 'yibao.session';

let token: string | null = sessionStorage.getItem(KEY);
const listeners = new Set<() => void>();

export function getToken(): string | null {
  return token;
}

export function setToken(value: string): void {
  token = value;
  sessionStorage.setItem(KEY, value);
  listeners.forEach((l) => l());
}

/** Sign-out, or the service said 401: forget the token; the app returns to the login page. */
export function clearToken(): void {
  token = null;
  sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function subscribeToken(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
