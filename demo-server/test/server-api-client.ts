/** The server API as a marketplace's backend calls it, for tests. */
export const SERVER_API_KEY = 'server-api-key-for-tests-long-enough-0123456789';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/** A caller of `/api/server/*` with a key (the right one by default). */
export function serverApi(baseUrl: string, key: string | null = SERVER_API_KEY) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}/api/server${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}
