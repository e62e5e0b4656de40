import type { AckResponse, Attachment, ChatErrorBody, ErrorCode } from '@palaver/protocol';
import { ChatError } from '../errors.js';
import type { UploadOptions } from './transport.js';

type UploadAnswer = AckResponse<{ attachment: Attachment }>;

/** What an answer without a Palaver error body meant (a proxy's 413, say). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'invalid_payload',
  401: 'unauthorized',
  403: 'forbidden',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function answerOf(status: number, text: string): UploadAnswer {
  let parsed: { attachment?: Attachment; error?: ChatErrorBody } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (status >= 200 && status < 300 && parsed.attachment) return { ok: true, attachment: parsed.attachment };
  return {
    ok: false,
    error: parsed.error ?? {
      code: CODE_BY_STATUS[status] ?? 'internal',
      message: `The server answered ${status} to the upload.`,
    },
  };
}

const networkError = () => new ChatError('offline', 'The upload was interrupted (network).');

/**
 * `POST {server}/api/attachments`: one multipart part named `file`, the
 * user's token as a Bearer header. XMLHttpRequest in browsers, because only it
 * reports upload progress; `fetch` elsewhere (Node).
 */
export function httpUpload(
  server: string,
  token: string,
  file: Blob,
  name: string,
  options: UploadOptions,
): Promise<UploadAnswer> {
  const url = new URL('api/attachments', server.endsWith('/') ? server : `${server}/`).href;
  const form = new FormData();
  form.append('file', file, name);
  if (typeof XMLHttpRequest === 'undefined') {
    return fetch(url, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
      signal: options.signal,
    })
      .then(async (response) => answerOf(response.status, await response.text()))
      .catch((error: unknown) => {
        throw (error as Error).name === 'AbortError' ? error : networkError();
      });
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.total || file.size);
    xhr.onload = () => resolve(answerOf(xhr.status, xhr.responseText));
    // A refusal before the body was read (413) may reach the browser as a reset connection: a network error.
    xhr.onerror = xhr.ontimeout = () => reject(networkError());
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}
