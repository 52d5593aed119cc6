// fetch with the error shape LDS and Apex calls reject with: { status, statusText, ok: false, body }.
export async function fetchJson(url, init) {
  const response = await fetch(url, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init && init.headers) },
    credentials: 'same-origin',
  });
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    throw { status: response.status, statusText: response.statusText, ok: false, body };
  }
  return body;
}

/** LDS hands out read-only data: components that mutate it fail here as they would on the platform. */
export function deepFreeze(value) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    Object.values(value).forEach(deepFreeze);
  }
  return value;
}
