/**
 * @module api/files
 * Downloads: a GET whose answer is saved as a file rather than read as JSON, and saving a value
 * the console already holds. The session cookie goes along as with `api`; a refusal becomes the
 * same ApiError, so the page shows the API's message instead of saving an error as a file.
 */
import { ApiError, csrfHeaders, errorOf } from './client';

/** Offers `blob` to the person as a download named `name`. */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Let the download start before the address goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const saveJson = (value: unknown, name: string): void =>
  saveFile(new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' }), name);

function fileNameOf(res: Response, fallback: string): string {
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return m?.[1] ?? fallback;
}

/**
 * GETs `/api/v1{path}` (POSTs `body` when given: a request whose input must not be in the address)
 * and saves the answer under the name the API gives (else `fallback`).
 */
export async function download(path: string, fallback: string, body?: unknown): Promise<string> {
  let res: Response;
  try {
    res = await fetch(
      `/api/v1${path}`,
      body === undefined
        ? { credentials: 'same-origin' }
        : {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'content-type': 'application/json', ...csrfHeaders() },
            body: JSON.stringify(body),
          },
    );
  } catch (err) {
    throw new ApiError(
      0,
      'network',
      `Ward did not answer (${(err as Error).message}); check that it is running`,
    );
  }
  if (!res.ok) {
    const text = await res.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
    throw errorOf(res.status, data, text);
  }
  const name = fileNameOf(res, fallback);
  saveFile(await res.blob(), name);
  return name;
}
