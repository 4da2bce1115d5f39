import type { V1DaemonSet, V1EnvVar, V1SecurityContext, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { quantityValue } from '../settings/quantity.js';
import type { Settings } from '../settings/settings.js';
import { objectName, type BuildInput } from './build-context.js';
import { labels, metadata, selectorLabels } from './labels.js';
import { httpProbe, image, podBasics, resources, tokenFile, tokensVolume } from './pod-parts.js';

const DATA_DIR = '/var/lib/shoal/worker';

/** Whether the workers may use the eBPF backend (`best` tries it first). */
function ebpfAllowed(settings: Settings): boolean {
  return settings.tap.packetCapture === 'best' || settings.tap.packetCapture === 'ebpf';
}

/**
 * The capabilities a worker needs, and only those (docs/kubernetes.md says what each is for):
 * NET_RAW opens packet sockets (AF_PACKET, libpcap) and NET_ADMIN sets promiscuous mode and
 * attaches tc programs; with eBPF, BPF loads programs and maps, PERFMON lets them read kernel
 * memory, SYS_RESOURCE lifts the locked-memory limit for maps on kernels that still count it;
 * with the TLS tracer, SYS_ADMIN and SYS_PTRACE attach uprobes to other processes' libraries.
 * Never `privileged`, which is every capability and every device.
 */
function workerCapabilities(settings: Settings): string[] {
  return [
    'NET_ADMIN',
    'NET_RAW',
    ...(ebpfAllowed(settings) ? ['BPF', 'PERFMON', 'SYS_RESOURCE'] : []),
    ...(settings.tap.tls ? ['SYS_ADMIN', 'SYS_PTRACE'] : []),
  ];
}

/**
 * The worker's own `--storage-limit`, below the emptyDir's size limit (`tap.storageLimit`): the
 * store evicts a segment (an eighth of its limit) at a time, so it may pass its limit by one
 * segment, and the kubelet evicts a pod whose emptyDir passes its limit. 80% leaves room for
 * that and for the filesystem's own blocks.
 */
function workerStoreBytes(settings: Settings): number {
  return Math.floor((quantityValue(settings.tap.storageLimit) ?? 0) * 0.8);
}

function workerArgs(input: BuildInput): string[] {
  const { tap, logLevel } = input.settings;
  return [
    'worker',
    // The worker shares the node's network: it listens on the node's address only, which the
    // kubelet puts in $(POD_IP) (a host-network pod's IP is its node's).
    '--host', '$(POD_IP)',
    '--port', String(tap.proxy.worker.srvPort),
    '--capture', tap.packetCapture,
    '--data-dir', DATA_DIR,
    '--storage-limit', String(workerStoreBytes(input.settings)),
    '--token-file', tokenFile('worker'),
    '--log-level', logLevel,
    // The TLS tracer finds the pods' processes in the host's /proc, mounted at /hostproc.
    ...(tap.tls ? ['--tls', '--proc', '/hostproc'] : []),
  ];
}

const FIELD = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });

/**
 * Host paths, read-only and recursively so where the runtime can (submounts such as bpffs under
 * /sys stay read-only too): /proc of the host (the pods' processes and network namespaces, by
 * PID) at /hostproc, and /sys (BTF type information for eBPF, interface details). bpffs is
 * mounted writable, at its own path, only when eBPF is allowed.
 */
function hostMounts(settings: Settings): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const volumes: V1Volume[] = [
    { name: 'host-proc', hostPath: { path: '/proc', type: 'Directory' } },
    { name: 'host-sys', hostPath: { path: '/sys', type: 'Directory' } },
  ];
  const mounts: V1VolumeMount[] = [
    { name: 'host-proc', mountPath: '/hostproc', readOnly: true, recursiveReadOnly: 'IfPossible' },
    { name: 'host-sys', mountPath: '/sys', readOnly: true, recursiveReadOnly: 'IfPossible' },
  ];
  if (ebpfAllowed(settings)) {
    volumes.push({ name: 'bpffs', hostPath: { path: '/sys/fs/bpf', type: 'Directory' } });
    mounts.push({ name: 'bpffs', mountPath: '/sys/fs/bpf' });
  }
  return { volumes, mounts };
}

function workerSecurity(settings: Settings): V1SecurityContext {
  const add = workerCapabilities(settings);
  return {
    privileged: false,
    // The API refuses allowPrivilegeEscalation: false beside SYS_ADMIN (which implies it).
    ...(add.includes('SYS_ADMIN') ? {} : { allowPrivilegeEscalation: false }),
    // Capabilities are granted to root only (Kubernetes has no ambient capabilities).
    runAsUser: 0,
    runAsNonRoot: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], add },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * A worker on every node, in the node's network namespace (hostNetwork: it sees every pod's
 * traffic on the node's interfaces; ClusterFirstWithHostNet keeps cluster DNS). Its store is an
 * emptyDir of `tap.storageLimit`. A host-network pod is outside every NetworkPolicy: its API is
 * protected by the token, which the hub alone holds.
 */
export function workerDaemonSet(input: BuildInput): V1DaemonSet {
  const { tap } = input.settings;
  const tokens = tokensVolume(input, ['worker']);
  const host = hostMounts(input.settings);
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: metadata(input, objectName(input, 'worker'), 'worker'),
    spec: {
      selector: { matchLabels: selectorLabels(input, 'worker') },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: labels(input, 'worker') },
        spec: {
          serviceAccountName: objectName(input, 'worker'),
          ...podBasics(input, 'workers'),
          hostNetwork: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          containers: [
            {
              name: 'sniffer',
              image: image(input, 'worker'),
              imagePullPolicy: tap.docker.imagePullPolicy,
              args: workerArgs(input),
              env: [FIELD('NODE_NAME', 'spec.nodeName'), FIELD('NODE_IP', 'status.hostIP'), FIELD('POD_IP', 'status.podIP')],
              ports: [{ name: 'api', containerPort: tap.proxy.worker.srvPort, hostPort: tap.proxy.worker.srvPort, protocol: 'TCP' }],
              // Ready while every capture is open (/health answers 503 otherwise, and the hub
              // leaves a worker that is not Ready); alive while it accepts connections, so a
              // capture that cannot open does not restart the worker in a loop.
              readinessProbe: httpProbe('/health', 'api', 5, 3),
              livenessProbe: { tcpSocket: { port: 'api' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6 },
              resources: resources(tap.resources.sniffer),
              securityContext: workerSecurity(input.settings),
              volumeMounts: [tokens.mount, { name: 'data', mountPath: DATA_DIR }, ...host.mounts],
            },
          ],
          volumes: [tokens.volume, { name: 'data', emptyDir: { sizeLimit: tap.storageLimit } }, ...host.volumes],
        },
      },
    },
  };
}
