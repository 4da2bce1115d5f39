/**
 * The rights each part of an installation gets (issue 15, point 1; docs/kubernetes.md): the
 * workers' capabilities per setting and never privileged, read-only host paths, bpffs only with
 * eBPF; the hub and front as restricted pods; probes everywhere; the hub's API rights exactly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1ClusterRole, V1ConfigMap, V1Role, V1RoleBinding, V1ClusterRoleBinding } from '@kubernetes/client-node';
import { build, CAPTURE_SETTINGS, containers, deployment, one, podSpecs, workerContainer, workerDaemonSet } from './helpers/build.js';

describe('the workers', () => {
  for (const { sets, ebpf, tls } of CAPTURE_SETTINGS) {
    it(`${sets.join(' ')}: never privileged; NET_RAW and NET_ADMIN${ebpf ? ', BPF, PERFMON, SYS_RESOURCE' : ''}${tls ? ', SYS_ADMIN, SYS_PTRACE' : ''} and nothing else`, () => {
      const built = build(sets);
      const pod = workerDaemonSet(built).spec!.template.spec!;
      assert.equal(pod.initContainers, undefined, 'no init container (Kubeshark\'s mounts bpffs privileged)');
      assert.equal(pod.containers.length, 1);
      const sc = workerContainer(built).securityContext!;
      assert.equal(sc.privileged, false);
      assert.deepEqual(sc.capabilities!.drop, ['ALL']);
      const expected = ['NET_ADMIN', 'NET_RAW', ...(ebpf ? ['BPF', 'PERFMON', 'SYS_RESOURCE'] : []), ...(tls ? ['SYS_ADMIN', 'SYS_PTRACE'] : [])];
      assert.deepEqual([...sc.capabilities!.add!].sort(), expected.sort());
      assert.equal(sc.readOnlyRootFilesystem, true);
      // The API refuses allowPrivilegeEscalation: false beside SYS_ADMIN; without it, it is off.
      assert.equal(sc.allowPrivilegeEscalation, tls ? undefined : false);
      assert.equal(pod.hostPID, undefined);
      assert.equal(pod.hostIPC, undefined);
      assert.equal(pod.hostNetwork, true);
      assert.equal(pod.dnsPolicy, 'ClusterFirstWithHostNet');
    });

    it(`${sets.join(' ')}: host /proc and /sys read-only (recursively where possible); bpffs ${ebpf ? 'mounted' : 'absent'}`, () => {
      const built = build(sets);
      const pod = workerDaemonSet(built).spec!.template.spec!;
      const mounts = workerContainer(built).volumeMounts!;
      const hostPaths = new Map(pod.volumes!.filter((v) => v.hostPath !== undefined).map((v) => [v.name, v.hostPath!.path]));
      for (const m of mounts.filter((m) => hostPaths.has(m.name))) {
        const path = hostPaths.get(m.name)!;
        if (path === '/sys/fs/bpf') continue;
        assert.ok(['/proc', '/sys'].includes(path), `only /proc and /sys (and bpffs) from the host, got ${path}`);
        assert.equal(m.readOnly, true, `${path} read-only`);
        assert.equal(m.recursiveReadOnly, 'IfPossible', `${path} recursively read-only`);
      }
      assert.deepEqual([...hostPaths.values()].sort(), ['/proc', '/sys', ...(ebpf ? ['/sys/fs/bpf'] : [])].sort());
      assert.equal(mounts.some((m) => m.mountPath === '/sys/fs/bpf'), ebpf);
    });
  }

  it('the store is an emptyDir sized by tap.storageLimit, and the worker\'s own limit is below it', () => {
    for (const [limit, bytes] of [['500Mi', 500 * 2 ** 20], ['2Gi', 2 * 2 ** 30], ['1500000000', 1.5e9]] as const) {
      const built = build([`tap.storageLimit=${limit}`]);
      const data = workerDaemonSet(built).spec!.template.spec!.volumes!.find((v) => v.name === 'data')!;
      assert.equal(data.emptyDir!.sizeLimit, limit);
      const args = workerContainer(built).args!;
      const own = Number(args[args.indexOf('--storage-limit') + 1]);
      assert.ok(own > 0.75 * bytes && own < bytes * (8 / 9), `--storage-limit ${own} leaves room for one segment (an eighth) over it below ${bytes}`);
      assert.deepEqual(workerContainer(built).volumeMounts!.find((m) => m.name === 'data')!.mountPath, args[args.indexOf('--data-dir') + 1]);
    }
  });
});

describe('the hub and the front', () => {
  for (const name of ['shoal-hub', 'shoal-front']) {
    it(`${name}: non-root, read-only root filesystem, no capability, no privilege escalation, default seccomp`, () => {
      const pod = deployment(build(), name).spec!.template.spec!;
      assert.equal(pod.hostNetwork, undefined);
      assert.equal(pod.securityContext!.runAsNonRoot, true);
      assert.notEqual(pod.securityContext!.runAsUser, 0);
      assert.equal(pod.securityContext!.seccompProfile!.type, 'RuntimeDefault');
      assert.ok(!(pod.volumes ?? []).some((v) => v.hostPath !== undefined), 'no host path');
      for (const c of pod.containers) {
        const sc = c.securityContext!;
        assert.equal(sc.runAsNonRoot, true);
        assert.equal(sc.readOnlyRootFilesystem, true);
        assert.equal(sc.allowPrivilegeEscalation, false);
        assert.equal(sc.privileged, false);
        assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
      }
    });
  }

  it('only the hub\'s pod gets a service account token', () => {
    const pods = podSpecs(build());
    assert.equal(pods.get('shoal-hub')!.automountServiceAccountToken, true);
    assert.equal(pods.get('shoal-hub')!.serviceAccountName, 'shoal-hub');
    assert.equal(pods.get('shoal-front')!.automountServiceAccountToken, false);
    assert.equal(pods.get('shoal-worker')!.automountServiceAccountToken, false);
  });
});

describe('every container', () => {
  for (const sets of [[], ['tap.tls=true', 'tap.auth.enabled=false', 'tap.ingress.enabled=true', 'tap.ingress.host=shoal.example']]) {
    it(`has a readiness and a liveness probe (${sets.join(' ') || 'defaults'})`, () => {
      const all = containers(build(sets));
      assert.equal(all.length, 3);
      for (const c of all) {
        assert.ok(c.readinessProbe !== undefined, `${c.name}: readiness`);
        assert.ok(c.livenessProbe !== undefined, `${c.name}: liveness`);
        const port = c.readinessProbe.httpGet?.port ?? c.readinessProbe.tcpSocket?.port;
        assert.ok(c.ports!.some((p) => p.name === port), `${c.name}: the probe's port '${String(port)}' is a named port of the container`);
      }
    });
  }
});

describe('the hub\'s rights', () => {
  it('ClusterRole: get, list and watch only, on pods, services, endpointslices, nodes and namespaces', () => {
    const role = one<V1ClusterRole>(build(), 'ClusterRole');
    const granted = role.rules!.flatMap((r) => r.resources!.map((res) => `${r.apiGroups!.join()}/${res}`)).sort();
    assert.deepEqual(granted, ['/namespaces', '/nodes', '/pods', '/services', 'discovery.k8s.io/endpointslices']);
    for (const r of role.rules!) {
      assert.deepEqual([...r.verbs].sort(), ['get', 'list', 'watch']);
      assert.equal(r.resourceNames, undefined);
      assert.equal(r.nonResourceURLs, undefined);
    }
    const binding = one<V1ClusterRoleBinding>(build(), 'ClusterRoleBinding');
    assert.equal(binding.roleRef.name, role.metadata!.name);
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'shoal-hub', namespace: 'default' }]);
  });

  it('cluster-scoped names carry the namespace, so two installations do not share them', () => {
    const a = one<V1ClusterRole>(build(['tap.release.namespace=team-a']), 'ClusterRole').metadata!.name;
    const b = one<V1ClusterRole>(build(['tap.release.namespace=team-b']), 'ClusterRole').metadata!.name;
    assert.notEqual(a, b);
  });

  it('Role: the one ConfigMap of the installation, by name, in its namespace', () => {
    const built = build(['tap.release.namespace=capture']);
    const role = one<V1Role>(built, 'Role');
    const config = one<V1ConfigMap>(built, 'ConfigMap');
    assert.equal(role.metadata!.namespace, 'capture');
    assert.equal(role.rules!.length, 1);
    const [rule] = role.rules!;
    assert.deepEqual(rule!.apiGroups, ['']);
    assert.deepEqual(rule!.resources, ['configmaps']);
    assert.deepEqual(rule!.resourceNames, [config.metadata!.name]);
    assert.ok(!rule!.verbs.includes('create') && !rule!.verbs.includes('delete') && !rule!.verbs.includes('*'));
    const binding = one<V1RoleBinding>(built, 'RoleBinding');
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata!.name });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'shoal-hub', namespace: 'capture' }]);
  });
});
