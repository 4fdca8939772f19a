/**
 * A browser without a screen: keeps cookies per host, follows redirects one hop at a time, submits forms. Used where
 * a flow crosses origins (idbridge ↔ a portal's callback), which supertest's agent does not follow.
 */
export class CookieClient {
  readonly #jar = new Map<string, Map<string, string>>();

  #cookieHeader(url: URL): string {
    return [...(this.#jar.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #store(url: URL, response: Response): void {
    const cookies = this.#jar.get(url.host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.#jar.set(url.host, cookies);
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ status: number; location: string | null; text: string; url: string }> {
    const target = new URL(url);
    const response = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: { cookie: this.#cookieHeader(target), ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), 'accept-language': 'en' },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    this.#store(target, response);
    const location = response.headers.get('location');
    return { status: response.status, location: location ? new URL(location, target).toString() : null, text: await response.text(), url: target.toString() };
  }

  /** Follows redirects (and meta refreshes) from `url` until a page answers, or a URL matching `stopAt` is reached. */
  async follow(url: string, stopAt?: (url: string) => boolean, init: { form?: Record<string, string> } = {}) {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 20; hops++) {
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(response.text)?.[1]?.replace(/&amp;/g, '&');
      const next = response.location ?? (refresh ? new URL(refresh, response.url).toString() : null);
      if (!next || stopAt?.(next)) return { ...response, next };
      response = await this.request(next);
    }
    throw new Error('too many redirects');
  }
}

/** The hidden fields (and CSRF token) of the form posting to `action` in a page. */
export function formFields(html: string, action?: string): Record<string, string> {
  const forms = [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = action ? forms.find((m) => m[1] === action) : forms[0];
  const body = form?.[2] ?? html;
  return Object.fromEntries([...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)].map((m) => [m[1] as string, (m[2] as string).replace(/&amp;/g, '&')]));
}
