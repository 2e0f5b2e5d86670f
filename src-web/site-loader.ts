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

/** The slug of the policy a page was opened on (`?policy=<slug>`), if the site has it. */
export function requestedPolicy(index: SiteIndex): SiteIndex['policies'][number] | undefined {
    const slug = new URLSearchParams(location.search).get('policy');
    return index.policies.find(policy => policy.slug === slug) ?? index.policies[0];
}

export function element<T extends HTMLElement = HTMLElement>(id: string): T {
    const found = document.getElementById(id);
    if (!found) throw new Error(`the page has no #${id}`);
    return found as T;
}
