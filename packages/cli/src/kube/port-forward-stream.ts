import { PassThrough, Writable, Duplex } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import type { KubeClient } from './kube-client.js';

/**
 * One TCP connection to a pod's port through the API server (`pods/portforward`, the official
 * client's PortForward over WebSocket): a Duplex a local HTTP client can use as its socket.
 * The pod side closing ends it; an error the kubelet reports on the error channel destroys it.
 */
export async function portForwardStream(client: KubeClient, namespace: string, pod: string, port: number): Promise<Duplex> {
  const toPod = new PassThrough();
  const fromPod = new PassThrough();
  let failure = '';
  const errors = new Writable({
    write(chunk: Buffer, _encoding, done) {
      failure += chunk.toString('utf8');
      done();
    },
  });
  const ws = await new PortForward(client.kc, true).portForward(namespace, pod, [port], fromPod, errors, toPod);
  const socket = typeof ws === 'function' ? ws() : ws;
  const stream = Duplex.from({ readable: fromPod, writable: toPod });
  socket?.on('close', () => {
    if (failure !== '') stream.destroy(new Error(`port-forward to ${namespace}/${pod}:${port}: ${failure.trim()}`));
    else fromPod.end();
  });
  stream.on('close', () => socket?.close());
  return stream;
}
