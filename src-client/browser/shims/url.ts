/** `node:url` for the browser bundles: file URLs to POSIX paths and back, through vscode-uri. */
import { URI } from 'langium';

export function fileURLToPath(url: string | URL): string {
    const uri = URI.parse(String(url));
    if (uri.scheme !== 'file') throw new TypeError(`not a file URL: ${String(url)}`);
    return uri.path;
}

export function pathToFileURL(file: string): URL {
    return new URL(URI.file(file).toString());
}

export default { fileURLToPath, pathToFileURL };
