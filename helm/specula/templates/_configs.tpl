{{/*
The services' YAML configurations, rendered from values in the formats their loaders read
(RouterConfig.load, VerifierConfig.load, DrafterConfig.load). Each is used by its ConfigMap and, as a
checksum, by its Deployment, so that a changed configuration rolls the pods.
*/}}

{{- define "specula.routerConfig" -}}
{{- $root := . -}}
{{- $c := .Values.router.config -}}
{{- include "specula.checkRouting" . -}}
port: {{ .Values.router.port }}
{{- if .Values.router.httpPort }}
http:
  port: {{ .Values.router.httpPort }}
{{- end }}
defaultModel: {{ .Values.verifier.modelName | quote }}
models:
  {{ .Values.verifier.modelName | quote }}: [{{ include "specula.dnsTarget" (dict "root" $root "component" "verifier" "port" .Values.verifier.port) | quote }}]
drafters:
{{- range $pool := .Values.drafters }}
{{- $target := include "specula.dnsTarget" (dict "root" $root "component" (printf "drafter-%s" $pool.name) "port" $pool.port) }}
{{- range $model := $pool.models }}
  - id: {{ $model.id | quote }}
    targets: [{{ $target | quote }}]
    languages: {{ $model.languages | default list | toJson }}
    domains: {{ $model.domains | default list | toJson }}
{{- end }}
{{- end }}
routes:
  defaultDrafters: {{ .Values.routing.defaultDrafters | default list | toJson }}
  languages: {{ .Values.routing.languages | default dict | toJson }}
  domains: {{ .Values.routing.domains | default dict | toJson }}
domainRules: {{ $c.domainRules | default list | toJson }}
detectLanguages: {{ $c.detectLanguages | default list | toJson }}
fallbackLanguage: {{ $c.fallbackLanguage | quote }}
lowAccuracyDetection: {{ $c.lowAccuracyDetection }}
initialDraftLength: {{ $c.initialDraftLength }}
maxDraftLength: {{ $c.maxDraftLength }}
explorationRate: {{ $c.explorationRate }}
{{- with $c.replicaHealth }}
replicaHealth: {{ toJson . }}
{{- end }}
{{- with $c.limits }}
limits: {{ toJson . }}
{{- end }}
{{- if .Values.auth.enabled }}
auth:
  tokensFile: {{ printf "%s/tokens" .Values.auth.mountPath | quote }}
{{- end }}
{{- include "specula.tlsConfig" (dict "root" $root "clientAuth" .Values.tls.routerClientAuth) }}
{{- include "specula.telemetryConfig" (dict "root" $root "role" "router") }}
{{- end -}}

{{- define "specula.verifierConfig" -}}
{{- $v := .Values.verifier -}}
id: {{ include "specula.componentName" (dict "root" . "component" "verifier") | quote }}
port: {{ $v.port }}
modelName: {{ $v.modelName | quote }}
model: {{ printf "%s/%s" .Values.models.path $v.modelFile | quote }}
{{- with $v.tokenizerFile }}
tokenizer: {{ printf "%s/%s" $.Values.models.path . | quote }}
{{- end }}
backend: {{ $v.backend }}
maxSessions: {{ $v.maxSessions }}
maxQueuedSessions: {{ $v.maxQueuedSessions }}
maxQueueWaitMs: {{ $v.maxQueueWaitMs }}
blockDeadlineMs: {{ $v.blockDeadlineMs }}
defaultMaxTokens: {{ $v.defaultMaxTokens }}
drafterOpenTimeoutMs: {{ $v.drafterOpenTimeoutMs }}
{{- include "specula.tlsConfig" (dict "root" . "clientAuth" "require") }}
{{- include "specula.telemetryConfig" (dict "root" . "role" "verifier") }}
{{- end -}}

{{/* One drafter pool's configuration: (dict "root" $ "pool" POOL). */}}
{{- define "specula.drafterConfig" -}}
{{- $p := .pool -}}
port: {{ $p.port }}
backend: {{ $p.backend }}
maxSessions: {{ $p.maxSessions }}
minConfidence: {{ $p.minConfidence }}
models:
{{- range $p.models }}
  - id: {{ .id | quote }}
    model: {{ printf "%s/%s" $.root.Values.models.path .file | quote }}
    languages: {{ .languages | default list | toJson }}
    domains: {{ .domains | default (list "general") | toJson }}
{{- end }}
{{- include "specula.tlsConfig" (dict "root" .root "clientAuth" "require") }}
{{- include "specula.telemetryConfig" (dict "root" .root "role" "drafter") }}
{{- end -}}

{{/*
The tls: section of a service when tls.enabled: the mounted secret's files (cert-manager's names). The same
files serve the service's port and its channels to the next hop, so between router, verifiers and drafters
every hop is mutual TLS: (dict "root" $ "clientAuth" none|optional|require).
*/}}
{{- define "specula.tlsConfig" -}}
{{- $tls := .root.Values.tls -}}
{{- if $tls.enabled }}
tls:
  certFile: {{ printf "%s/tls.crt" $tls.mountPath | quote }}
  keyFile: {{ printf "%s/tls.key" $tls.mountPath | quote }}
  caFile: {{ printf "%s/ca.crt" $tls.mountPath | quote }}
  clientAuth: {{ .clientAuth }}
  refreshSeconds: {{ $tls.refreshSeconds }}
{{- end }}
{{- end -}}

{{/*
The telemetry: section of a service when metrics.enabled (the Prometheus endpoint on its role's port, which
the container and the Services name `metrics`) or an OTLP endpoint is set: (dict "root" $ "role" ROLE).
*/}}
{{- define "specula.telemetryConfig" -}}
{{- $m := .root.Values.metrics -}}
{{- if or $m.enabled $m.otlpEndpoint }}
telemetry:
  prometheusPort: {{ include "specula.metricsPort" . }}
  otlpEndpoint: {{ $m.otlpEndpoint | quote }}
  traceSampleRatio: {{ $m.traceSampleRatio }}
{{- end }}
{{- end -}}

{{/* The port of a role's Prometheus endpoint, 0 when metrics are off: (dict "root" $ "role" ROLE). */}}
{{- define "specula.metricsPort" -}}
{{- if .root.Values.metrics.enabled }}{{ index .root.Values.metrics.ports .role }}{{ else }}0{{ end -}}
{{- end -}}

{{/* Fails when the routing table names a drafter id that no drafter pool serves (the schema cannot see this). */}}
{{- define "specula.checkRouting" -}}
{{- $ids := list -}}
{{- range .Values.drafters }}{{ range .models }}{{ $ids = append $ids .id }}{{ end }}{{ end -}}
{{- $lists := dict "routing.defaultDrafters" (.Values.routing.defaultDrafters | default list) -}}
{{- range $code, $list := .Values.routing.languages }}{{ $_ := set $lists (printf "routing.languages.%s" $code) $list }}{{ end -}}
{{- range $domain, $list := .Values.routing.domains }}{{ $_ := set $lists (printf "routing.domains.%s" $domain) $list }}{{ end -}}
{{- range $field, $list := $lists }}
{{- range $list }}
{{- if not (has . $ids) }}
{{- fail (printf "%s: drafter '%s' is not a model of any drafter pool (expected one of %s in drafters[].models[].id)" $field . (join ", " $ids)) }}
{{- end }}
{{- end }}
{{- end -}}
{{- end -}}
