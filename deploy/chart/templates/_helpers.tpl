{{- /*
The pieces the objects share, one for each function of packages/deploy/src/objects/ that the
templates need (a test renders the chart and compares every object with the builder's). Helpers
that need the chart's context take a dict with "ctx" (the root) and what else they need.
*/ -}}

{{- /* An object's name: <release>-<part> (build-context.ts objectName). */ -}}
{{- define "shoal.name" -}}
{{ .ctx.Release.Name }}-{{ .part }}
{{- end }}

{{- /* The labels that select a part's pods: only those that never change on upgrade (labels.ts). */ -}}
{{- define "shoal.selectorLabels" -}}
app.kubernetes.io/name: shoal
app.kubernetes.io/instance: {{ .ctx.Release.Name | quote }}
app.kubernetes.io/component: {{ .part }}
{{- end }}

{{- /* The recommended labels on every object and pod. */ -}}
{{- define "shoal.labels" -}}
{{ include "shoal.selectorLabels" . }}
app.kubernetes.io/part-of: shoal
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service | quote }}
{{- end }}

{{- /* A namespaced object's metadata: dict "ctx" "name" (the part of its name) "part" (its labels'). */ -}}
{{- define "shoal.metadata" -}}
name: {{ include "shoal.name" (dict "ctx" .ctx "part" .name) }}
namespace: {{ .ctx.Release.Namespace | quote }}
labels:
  {{- include "shoal.labels" . | nindent 2 }}
{{- end }}

{{- /* A cluster-scoped object's metadata; its name carries the namespace (rbac.ts). */ -}}
{{- define "shoal.clusterMetadata" -}}
name: {{ include "shoal.name" (dict "ctx" .ctx "part" (printf "hub-%s" .ctx.Release.Namespace)) }}
labels:
  {{- include "shoal.labels" . | nindent 2 }}
{{- end }}

{{- /* <registry>/shoal-<component>:<tag>, the tag being the chart's appVersion unless set (pod-parts.ts). */ -}}
{{- define "shoal.image" -}}
{{- $docker := .ctx.Values.tap.docker -}}
{{ printf "%s/shoal-%s:%s" (regexReplaceAll "/+$" $docker.registry "") .component (default .ctx.Chart.AppVersion $docker.tag) | quote }}
{{- end }}

{{- /*
What every pod of a kind shares (pod-parts.ts podBasics): dict "ctx" "pod" (hub, workers, front).
*/ -}}
{{- define "shoal.podBasics" -}}
{{- $tap := .ctx.Values.tap -}}
automountServiceAccountToken: {{ eq .pod "hub" }}
{{- with index $tap.nodeSelectorTerms .pod }}
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        {{- toYaml . | nindent 8 }}
{{- end }}
{{- with index $tap.tolerations .pod }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $tap.docker.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . | quote }}
  {{- end }}
{{- end }}
{{- end }}

{{- /*
Where users reach the dashboard (front.ts publicUrl): tap.publicUrl, else through the Ingress,
https when the Ingress's TLS covers its host. Empty without either.
*/ -}}
{{- define "shoal.publicUrl" -}}
{{- $ingress := .Values.tap.ingress -}}
{{- if .Values.tap.publicUrl -}}
{{ .Values.tap.publicUrl }}
{{- else if $ingress.enabled -}}
{{- $secure := false -}}
{{- range $ingress.tls -}}
{{- if has $ingress.host (.hosts | default list) -}}
{{- $secure = true -}}
{{- end -}}
{{- end -}}
{{ ternary "https" "http" $secure }}://{{ $ingress.host }}
{{- end -}}
{{- end }}

{{- /* A token file in the pod (pod-parts.ts tokenFile). */ -}}
{{- define "shoal.tokenFile" -}}
/var/run/secrets/shoal/{{ . }}
{{- end }}

{{- /*
The tokens a pod needs and no others, from both Secrets into one read-only directory, readable
by the pod's group only (0440): dict "ctx" "keys" (the Secrets' keys, in order) and "more" (other
sources: the front's OIDC client secret and roles).
*/ -}}
{{- define "shoal.tokensVolume" -}}
{{- $inTokens := without .keys "sign-in-token" -}}
{{- $more := .more | default list -}}
- name: tokens
  projected:
    defaultMode: 288
    sources:
      {{- if $inTokens }}
      - secret:
          name: {{ include "shoal.name" (dict "ctx" .ctx "part" "tokens") }}
          items:
            {{- range $inTokens }}
            - key: {{ . }}
              path: {{ . }}
            {{- end }}
      {{- end }}
      {{- if has "sign-in-token" .keys }}
      - secret:
          name: {{ include "shoal.name" (dict "ctx" .ctx "part" "sign-in") }}
          items:
            - key: sign-in-token
              path: sign-in-token
      {{- end }}
      {{- with $more }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
{{- end }}

{{- define "shoal.tokensMount" -}}
- name: tokens
  mountPath: /var/run/secrets/shoal
  readOnly: true
{{- end }}

{{- /* Pod Security Standards "restricted" for the hub and the front (pod-parts.ts restrictedPod). */ -}}
{{- define "shoal.restrictedPod" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "shoal.restrictedContainer" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- /* The amounts that are set, of a limits or requests dict (empty strings are unset). */ -}}
{{- define "shoal.amounts" -}}
{{- if .cpu }}
cpu: {{ .cpu | quote }}
{{- end }}
{{- if .memory }}
memory: {{ .memory | quote }}
{{- end }}
{{- end }}

{{- /* A container's resources from tap.resources.<container> (pod-parts.ts resources). */ -}}
{{- define "shoal.resources" -}}
{{- $limits := include "shoal.amounts" .limits -}}
{{- $requests := include "shoal.amounts" .requests -}}
{{- if $limits }}
limits:
  {{- $limits | nindent 2 }}
{{- end }}
{{- if $requests }}
requests:
  {{- $requests | nindent 2 }}
{{- end }}
{{- if not (or $limits $requests) }}
{}
{{- end }}
{{- end }}

{{- /* An HTTP probe: dict "path" "port" "period" "failures", and "host" for servers that check Host. */ -}}
{{- define "shoal.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
  {{- with .host }}
  httpHeaders:
    - name: Host
      value: {{ . | quote }}
  {{- end }}
periodSeconds: {{ .period }}
timeoutSeconds: 2
failureThreshold: {{ .failures }}
{{- end }}

{{- /*
The bytes of a size (quantity.ts): a number and a suffix, binary (Ki … Ei) or decimal (k … E);
the schema has checked its form. Printed with six decimals, read back with float64.
*/ -}}
{{- define "shoal.bytes" -}}
{{- $scale := dict "" 1 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 -}}
{{- $number := regexReplaceAll "[A-Za-z]+$" . "" -}}
{{- $suffix := regexReplaceAll "^[0-9.]+" . "" -}}
{{- printf "%f" (mulf (float64 $number) (index $scale $suffix)) -}}
{{- end }}

{{- /*
What no schema can say, checked as the builder checks it (setting-kinds.ts, check-settings.ts):
the release name (the objects' names are <release>-…), the pod regex compiles under RE2 (Go's
regexp is RE2), the store's minimum, the Ingress's host, what the OIDC sign-in needs.
*/ -}}
{{- define "shoal.checks" -}}
{{- $tap := .Values.tap -}}
{{- if or (gt (len .Release.Name) 48) (not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" .Release.Name)) -}}
{{- fail (printf "the release name '%s' must start with a letter and be lower-case letters, digits and '-', 48 at most: objects are named <release>-worker-metrics, and Service names are 63 at most" .Release.Name) -}}
{{- end -}}
{{- if not (regexMatch (printf "(?:%s)|" $tap.regex) "") -}}
{{- fail (printf "tap.regex: '%s' is not an RE2 regular expression" $tap.regex) -}}
{{- end -}}
{{- $_ := mustRegexMatch $tap.regex "" -}}
{{- if lt (float64 (include "shoal.bytes" $tap.storageLimit)) 16777216.0 -}}
{{- fail (printf "tap.storageLimit: it must be at least 16777216 bytes (16Mi), got '%s'" $tap.storageLimit) -}}
{{- end -}}
{{- if and $tap.ingress.enabled (eq $tap.ingress.host "") -}}
{{- fail "tap.ingress.enabled needs tap.ingress.host: the name users open the dashboard by (the front answers to it alone)" -}}
{{- end -}}
{{- if include "shoal.oidcSignIn" . -}}
{{- $oidc := $tap.auth.oidc -}}
{{- if eq $oidc.issuer "" -}}
{{- fail "tap.auth.type=oidc needs tap.auth.oidc.issuer: the OpenID provider's issuer URL" -}}
{{- end -}}
{{- if eq $oidc.clientId "" -}}
{{- fail "tap.auth.type=oidc needs tap.auth.oidc.clientId: the client ID the provider gave the dashboard" -}}
{{- end -}}
{{- if and $oidc.clientSecret $oidc.clientSecretRef.name -}}
{{- fail "tap.auth.oidc.clientSecret and tap.auth.oidc.clientSecretRef.name are both set: give the client secret one way" -}}
{{- end -}}
{{- if and (eq $tap.publicUrl "") (not $tap.ingress.enabled) -}}
{{- fail "tap.auth.type=oidc needs the dashboard's public URL, where the provider sends users back after sign-in: set tap.publicUrl, or tap.ingress.enabled and tap.ingress.host" -}}
{{- end -}}
{{- if not $tap.auth.roles -}}
{{- fail "tap.auth.type=oidc needs tap.auth.roles: with no role every user is refused" -}}
{{- end -}}
{{- end -}}
{{- end }}

{{- /* "true" with the OIDC sign-in, else empty (build-context.ts oidcSignIn). */ -}}
{{- define "shoal.oidcSignIn" -}}
{{- if and .Values.tap.auth.enabled (eq .Values.tap.auth.type "oidc") -}}true{{- end -}}
{{- end }}

{{- /* "true" with the token sign-in, else empty (build-context.ts tokenSignIn). */ -}}
{{- define "shoal.tokenSignIn" -}}
{{- if and .Values.tap.auth.enabled (eq .Values.tap.auth.type "token") -}}true{{- end -}}
{{- end }}

{{- /*
A token: kept from the installed Secret's data (an upgrade), else "length" (43 unless given)
random letters and digits (43: ~256 bits).
*/ -}}
{{- define "shoal.token" -}}
{{- with index .installed .key -}}
{{ b64dec . }}
{{- else -}}
{{ randAlphaNum (.length | default 43) }}
{{- end -}}
{{- end }}
