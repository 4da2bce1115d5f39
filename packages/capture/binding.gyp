# The live-capture addon (C, Node-API only). Built by native/build.mjs, which runs node-gyp
# with --nodedir so that nothing is ever downloaded; the Node-API headers come from the npm
# package node-api-headers. Needs Debian's libpcap-dev, make, g++ (gcc) and python3.
#
# The eBPF backend's loader links libbpf only when native/build.mjs found clang and
# libbpf-dev (it sets SHOAL_EBPF=1); without them ebpf_backend.c compiles to a stub that says
# so, and the backend's other files (ebpf_*.c) to nothing; likewise the TLS tracer
# (tls_backend.c, addon_tls.c: stubs; tls_attach.c: nothing), which also links libelf
# (libelf-dev, a dependency of libbpf-dev). The BPF programs themselves (native/bpf/*.bpf.c)
# are compiled by build.mjs.
{
  "variables": {
    "shoal_ebpf%": "<!(node -p \"process.env.SHOAL_EBPF === '1' ? 1 : 0\")"
  },
  "targets": [
    {
      "target_name": "shoal_capture",
      "sources": [
        "native/addon.c",
        "native/options.c",
        "native/capture.c",
        "native/af_packet.c",
        "native/frame.c",
        "native/iface.c",
        "native/pcap_backend.c",
        "native/bpf.c",
        "native/netns.c",
        "native/ebpf_backend.c",
        "native/ebpf_object.c",
        "native/ebpf_tc.c",
        "native/ebpf_stale.c",
        "native/ebpf_ring.c",
        "native/ebpf_read.c",
        "native/ebpf_log.c",
        "native/tls_backend.c",
        "native/tls_attach.c",
        "native/addon_tls.c",
        "native/tc_netlink.c",
        "native/batch.c",
        "native/error.c"
      ],
      # "+" puts these before node-gyp's own include directories (<nodedir>/include/node),
      # so node_api.h is the one from node-api-headers (native/build.mjs sets
      # SHOAL_NAPI_INCLUDE; a bare `node-gyp rebuild` falls back to the package itself).
      "include_dirs+": [
        "<!(node -p \"process.env.SHOAL_NAPI_INCLUDE || require('node-api-headers').include_dir\")"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags_c": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "libraries": ["-lpcap", "-lpthread"],
      "conditions": [
        ["shoal_ebpf==1", {
          "defines": ["SHOAL_HAVE_EBPF=1"],
          "libraries": ["-lbpf", "-lelf"]
        }]
      ]
    }
  ]
}
