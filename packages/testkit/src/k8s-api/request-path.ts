import { resourceAt, type ResourceType } from './resources.js';

/**
 * A resource path taken apart, as the API server's request-info resolver does
 * (k8s.io/apiserver/pkg/endpoints/request: RequestInfoFactory):
 * `/api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUBRESOURCE[/REST…]]]`, and the same under
 * `/apis/GROUP/VERSION`. `/api/v1/namespaces/NAME` is the namespace itself.
 */
export interface ResourcePath {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** What follows a proxy subresource, with its leading '/' (or ''). */
  rest: string;
}

export function parseResourcePath(pathname: string): ResourcePath | undefined {
  const parts = pathname.split('/').slice(1).map((p) => decodeURIComponent(p));
  let group: string;
  let version: string;
  let i: number;
  if (parts[0] === 'api' && parts.length >= 3) [group, version, i] = ['', parts[1]!, 2];
  else if (parts[0] === 'apis' && parts.length >= 4) [group, version, i] = [parts[1]!, parts[2]!, 3];
  else return undefined;
  let namespace: string | undefined;
  if (parts[i] === 'namespaces' && parts.length > i + 2) {
    // `/namespaces/NS/status` is the namespace's own subresource, not a resource in it.
    if (!(parts.length === i + 3 && (parts[i + 2] === 'status' || parts[i + 2] === 'finalize'))) {
      namespace = parts[i + 1];
      i += 2;
    }
  }
  const type = resourceAt(group, version, parts[i] ?? '');
  if (type === undefined) return undefined;
  const [name, subresource] = [parts[i + 1], parts[i + 2]];
  const restParts = pathname.split('/').slice(1 + i + 3);
  return {
    type,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined && name !== '' ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
    rest: subresource !== undefined && (restParts.length > 0 || pathname.endsWith('/')) ? `/${restParts.join('/')}` : '',
  };
}

/** The authorizer's verb for a request (RequestInfoFactory): collection GETs list or watch. */
export function requestVerb(method: string, path: ResourcePath, watch: boolean): string {
  if (path.subresource === 'proxy') return { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? 'get';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : path.name === undefined ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return path.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}
