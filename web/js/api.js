// A small fetch wrapper for the JSON API under /api/v1.
// Errors come back as {"error":{"code":"…","message":"…"}}; they are thrown as ApiError whose
// message is the reader's sentence for the code (translateError), never the server's English.

import { translateError } from './i18n.js';

export class ApiError extends Error {
  constructor(code, status, serverMessage = '', field = null, details = null) {
    super(translateError(code));
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.serverMessage = serverMessage;
    this.field = field; // the input the server named (error.field), if any
    this.details = details; // the whole error object (e.g. the rows a file was refused for)
  }
}

/**
 * api('/api/v1/…', {method, body, headers, signal}) → parsed JSON (or null for 204).
 * body objects are sent as JSON. Throws ApiError (code 'network' when the server is unreachable).
 */
export async function api(path, { method = 'GET', body, headers = {}, signal } = {}) {
  const init = {
    method,
    signal,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...headers },
  };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['Content-Type'] ??= 'application/json';
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new ApiError('network', 0, String(e));
  }
  if (res.status === 204) return null;
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  if (data && typeof data === 'object' && data.error) {
    throw new ApiError(String(data.error.code || 'unknown'), res.status, String(data.error.message || ''),
      typeof data.error.field === 'string' ? data.error.field : null, data.error);
  }
  if (!res.ok) throw new ApiError(res.status === 404 ? 'not_found' : 'unknown', res.status);
  return data;
}

export const getJSON = (path, opts) => api(path, { ...opts, method: 'GET' });
export const postJSON = (path, body, opts) => api(path, { ...opts, method: 'POST', body });

let configPromise = null;
/** GET /api/v1/config, once per page; a fallback (no tiles) if the server cannot answer. */
export function getConfig() {
  configPromise ??= getJSON('/api/v1/config').catch((e) => {
    console.warn(`config: ${e.code || e}`);
    return { default_language: 'fa', languages: ['fa', 'en'], tiles: null };
  });
  return configPromise;
}
