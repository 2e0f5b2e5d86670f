/**
 * The playground hands the pack of the policy being edited to a claim checker it opens. Both pages
 * may be file:// pages (opaque origins), so they talk by postMessage with the target `*`, and the
 * checker accepts a pack only from the window that opened it.
 */
import type { RulePack } from '../../src-server/core/pack/types.js';

interface PackMessage {
    kind: 'payrule/pack';
    pack: RulePack;
}

export function handOverPack(pack: RulePack): void {
    const checker = window.open('claim-checker.html?edited=1', '_blank');
    if (!checker) return;
    const onReady = (event: MessageEvent) => {
        if (event.source !== checker || (event.data as { kind?: string })?.kind !== 'payrule/ready') return;
        window.removeEventListener('message', onReady);
        const message: PackMessage = { kind: 'payrule/pack', pack };
        checker.postMessage(message, '*');
    };
    window.addEventListener('message', onReady);
}

/** In the claim checker: the edited pack from the playground that opened it, if it did. */
export function receiveEditedPack(timeoutMs = 5000): Promise<RulePack | undefined> {
    const opener = window.opener as Window | null;
    if (!new URLSearchParams(location.search).has('edited') || !opener) return Promise.resolve(undefined);
    return new Promise(resolve => {
        const timer = setTimeout(() => resolve(undefined), timeoutMs);
        window.addEventListener('message', function onPack(event: MessageEvent) {
            const data = event.data as Partial<PackMessage> | null;
            if (event.source !== opener || data?.kind !== 'payrule/pack' || !looksLikePack(data.pack)) return;
            window.removeEventListener('message', onPack);
            clearTimeout(timer);
            resolve(data.pack);
        });
        opener.postMessage({ kind: 'payrule/ready' }, '*');
    });
}

function looksLikePack(value: unknown): value is RulePack {
    const pack = value as RulePack | null;
    return (
        typeof pack === 'object' &&
        pack !== null &&
        typeof pack.policy?.id === 'string' &&
        Array.isArray(pack.rules) &&
        Array.isArray(pack.sources)
    );
}
