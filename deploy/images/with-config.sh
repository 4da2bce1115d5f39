#!/usr/bin/env bash
# Runs a command (podman, buildah) with the repository's container configuration instead of the
# machine's: deploy/images/with-config.sh podman images
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CONTAINERS_CONF="$here/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$here/registries.conf"
export CONTAINERS_STORAGE_CONF="$here/storage.conf"
exec "$@"
