/**
 * `{base}/{path}?params` built with URL/URLSearchParams: the base keeps its version path (…/v2), values are encoded,
 * and blank params are left out.
 */
export function endpointUrl(baseUrl: string, path: string, params: Record<string, string | undefined> = {}): URL {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const url = new URL(path.replace(/^\/+/, ''), base);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') url.searchParams.set(name, value);
  }
  return url;
}
