import type { PolicyData, SiteIndex, SitePacks } from './site-data.js';

/** The globals the site's data scripts set (see site-data.ts). */
interface SiteGlobals {
    payruleSite?: SiteIndex;
    payrulePolicy?: PolicyData;
    payrulePacks?: SitePacks;
    payruleWorkerSource?: string;
}

export const site = globalThis as unknown as SiteGlobals;

/** Load one of the site's own scripts (allowed by `script-src 'self'`, from file:// too). */
export function loadScript(src: string): Promise<void> {
    return new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = src;
        script.onload = () => resolve();
        script.onerror = () => reject(new Error(`could not load ${src}`));
        document.head.append(script);
    });
}

/**
 * The policy a page was opened on (`?policy=<page name>`), else the site's first; `missing` names
 * a requested policy the site does not have.
 */
export function requestedPolicy(index: SiteIndex): { policy: SiteIndex['policies'][number] | undefined; missing?: string } {
    const slug = new URLSearchParams(location.search).get('policy');
    const found = index.policies.find(policy => policy.slug === slug);
    return found ? { policy: found } : { policy: index.policies[0], missing: slug ?? undefined };
}

export function element<T extends HTMLElement = HTMLElement>(id: string): T {
    const found = document.getElementById(id);
    if (!found) throw new Error(`the page has no #${id}`);
    return found as T;
}
